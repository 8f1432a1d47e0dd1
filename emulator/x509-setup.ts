// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect polyfill loaded first.
import "reflect-metadata";
import { webcrypto } from "crypto";
import * as x509 from "@peculiar/x509";

/** @peculiar/x509 needs a WebCrypto implementation; Node's is structurally the DOM one. */
x509.cryptoProvider.set(x509.CryptoProvider.DEFAULT, webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);

export { x509 };
