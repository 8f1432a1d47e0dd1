import type { EnrollmentRequest } from "../../../provider/cps";

/** A complete DV enrollment request body. */
export const dvEnrollment: EnrollmentRequest = {
  ra: "lets-encrypt",
  validationType: "dv",
  certificateType: "san",
  changeManagement: false,
  csr: { cn: "www.example.com", sans: ["www.example.com", "api.example.com"], c: "US", o: "Example" },
  networkConfiguration: { geography: "core", secureNetwork: "enhanced-tls", sniOnly: true, ocspStapling: "on" },
  adminContact: { firstName: "Ada", lastName: "Admin", email: "ada@example.com", phone: "+1 555 0100" },
  techContact: { firstName: "Tom", lastName: "Tech", email: "tom@example.com", phone: "+1 555 0101" },
  org: { name: "Example", country: "US" },
};
