import { x509 } from "../x509-setup";
import { createHash, randomBytes, webcrypto } from "crypto";
import type {
  CertificateAuthority,
  CsrRequest,
  DeployedCertificate,
  DomainCheckResult,
  DvOrder,
  EdgeNetwork,
  EdgeNetworkName,
  EmulatorClock,
  GeneratedKeyAndCsr,
  IssuedCertificate,
  KeyFactory,
} from "../seams";
import { toPem } from "../tls-identity";

/**
 * Part-1 stand-ins for the seams. They are deliberately small: real keys and CSRs (so third-party
 * uploads can be checked), a local CA that signs whatever it is asked to, and DV validation that
 * never passes on its own — an admin call ("validate domain") decides. Part 2 replaces them with
 * the builtin/ACME CA, real DNS/HTTP checks and TLS listeners.
 */


function hash(signatureAlgorithm: string | null | undefined): string {
  return signatureAlgorithm === "SHA-1" ? "SHA-1" : "SHA-256";
}

export class StandInKeyFactory implements KeyFactory {
  async generate(request: CsrRequest): Promise<GeneratedKeyAndCsr> {
    const algorithm =
      request.keyAlgorithm === "RSA"
        ? { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: hash(request.signatureAlgorithm) }
        : { name: "ECDSA", namedCurve: "P-256", hash: hash(request.signatureAlgorithm) };
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const subject = [
      request.subject.c ? `C=${request.subject.c}` : "",
      request.subject.st ? `ST=${request.subject.st}` : "",
      request.subject.l ? `L=${request.subject.l}` : "",
      request.subject.o ? `O=${request.subject.o}` : "",
      request.subject.ou ? `OU=${request.subject.ou}` : "",
      `CN=${request.commonName}`,
    ]
      .filter(Boolean)
      .map((part) => part.replace(/,/g, "\\,"))
      .join(", ");
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: subject,
      keys,
      signingAlgorithm: algorithm,
      extensions: request.sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(request.sans.map((value) => ({ type: "dns" as const, value })))] : [],
    });
    const spki = await webcrypto.subtle.exportKey("spki", keys.publicKey);
    return {
      keyAlgorithm: request.keyAlgorithm,
      privateKeyPem: toPem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY"),
      csrPem: csr.toString("pem") + "\n",
      publicKeyFingerprint: createHash("sha256").update(Buffer.from(spki)).digest("hex"),
    };
  }
}

/** Verdicts an operator gave through the admin API; the engine consults them before the CA's own check. */
export class AdminValidationBook {
  private readonly verdicts = new Map<string, DomainCheckResult>();
  set(domain: string, verdict: DomainCheckResult): void {
    this.verdicts.set(domain.toLowerCase(), verdict);
  }
  get(domain: string): DomainCheckResult | undefined {
    return this.verdicts.get(domain.toLowerCase());
  }
  clear(): void {
    this.verdicts.clear();
  }
}

const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

export class StandInCertificateAuthority implements CertificateAuthority {
  readonly kind = "builtin" as const;
  private root?: { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair };

  constructor(
    private readonly clock: EmulatorClock,
    private readonly validityDays = 90,
  ) {}

  private async ensureRoot(): Promise<{ cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair }> {
    if (this.root) return this.root;
    const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const now = this.clock.now().getTime();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: "CN=CPS emulator stand-in root",
      keys,
      signingAlgorithm: SIGN,
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 10 * 365 * 86_400_000),
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    this.root = { cert, keys };
    return this.root;
  }

  async createDvOrder(domains: string[]): Promise<DvOrder> {
    const expires = new Date(this.clock.now().getTime() + 7 * 86_400_000);
    const challenges = domains.map((domain) => {
      const token = randomBytes(32).toString("base64url");
      return {
        domain,
        token,
        httpResponseBody: `${token}.${randomBytes(32).toString("base64url")}`,
        dnsTxtValue: randomBytes(32).toString("base64url"),
        expires,
      };
    });
    return {
      challenges,
      // The stand-in never sees the network: only an admin verdict (checked by the engine first) validates a domain.
      validate: async (_domain: string): Promise<DomainCheckResult> => ({
        ok: false,
        validationStatus: "DATA_NOT_READY",
        error: "The domain is not ready for validation.",
      }),
      finalize: (csrPem: string) => this.issue(csrPem),
    };
  }

  async issue(csrPem: string): Promise<IssuedCertificate> {
    const root = await this.ensureRoot();
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    const now = this.clock.now().getTime();
    const notBefore = new Date(now - 60_000);
    const notAfter = new Date(now + this.validityDays * 86_400_000);
    const sanRaw = csr.getExtension("2.5.29.17");
    const san = sanRaw ? new x509.SubjectAlternativeNameExtension(sanRaw.rawData) : undefined;
    const serialHex = "01" + randomBytes(15).toString("hex");
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialHex,
      subject: csr.subject,
      issuer: root.cert.subject,
      publicKey: csr.publicKey,
      signingKey: root.keys.privateKey,
      signingAlgorithm: SIGN,
      notBefore,
      notAfter,
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true), ...(san ? [san] : [])],
    });
    return { certificatePem: cert.toString("pem") + "\n", trustChainPem: "", notBefore, notAfter, serialHex };
  }

  rootsPem(): string {
    return this.root ? this.root.cert.toString("pem") + "\n" : "";
  }

  async close(): Promise<void> {}
}

/** Remembers what is deployed where; serves nothing (part 2 adds real TLS listeners). */
export class StandInEdgeNetwork implements EdgeNetwork {
  readonly address = "";
  readonly deployed = new Map<number, { hostnames: string[]; certificates: DeployedCertificate[] }>();
  constructor(readonly name: EdgeNetworkName) {}
  deploy(enrollmentId: number, hostnames: string[], certificates: DeployedCertificate[]): void {
    this.deployed.set(enrollmentId, { hostnames, certificates });
  }
  undeploy(enrollmentId: number): void {
    this.deployed.delete(enrollmentId);
  }
  async close(): Promise<void> {}
}
