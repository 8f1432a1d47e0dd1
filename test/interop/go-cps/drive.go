package main

import (
	"fmt"
	"time"

	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/cps"
	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/dns"
)

// drive follows a change with GetChangeStatus and answers each input CPS asks for with the Go
// client's own calls, until the change is complete. Each input is answered once per change.
func (r *run) drive(enrollmentID, changeID int) {
	ids := cps.GetChangeRequest{EnrollmentID: enrollmentID, ChangeID: changeID}
	answered := map[string]bool{}
	last := ""
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		change, err := r.cps.GetChangeStatus(r.ctx, cps.GetChangeStatusRequest{EnrollmentID: enrollmentID, ChangeID: changeID})
		if err != nil {
			fail("GetChangeStatus", err)
		}
		status := change.StatusInfo.Status + "/" + change.StatusInfo.State
		if status != last {
			step(r, "GetChangeStatus", change, nil)
			last = status
		}
		switch change.StatusInfo.State {
		case "error", "cancelled":
			fail("GetChangeStatus", fmt.Errorf("change %d ended in %s", changeID, status))
		}
		if change.StatusInfo.Status == "complete" {
			return
		}
		for _, input := range change.AllowedInput {
			if !answered[input.Type] {
				answered[input.Type] = true
				r.answer(ids, input.Type)
			}
		}
		time.Sleep(100 * time.Millisecond) // the Go client has no wait call: poll, bounded by the deadline
	}
	fail("GetChangeStatus", fmt.Errorf("change %d did not complete in time (last %s)", changeID, last))
}

func (r *run) answer(ids cps.GetChangeRequest, inputType string) {
	ctx := r.ctx
	ack := cps.AcknowledgementRequest{EnrollmentID: ids.EnrollmentID, ChangeID: ids.ChangeID, Acknowledgement: cps.Acknowledgement{Acknowledgement: "acknowledge"}}
	switch inputType {
	case "lets-encrypt-challenges":
		challenges, err := r.cps.GetChangeLetsEncryptChallenges(ctx, ids)
		step(r, "GetChangeLetsEncryptChallenges", challenges, err)
		for _, domain := range challenges.DV {
			for _, challenge := range domain.Challenges {
				if challenge.Type == "dns-01" {
					r.publishTXT(challenge.FullPath, challenge.ResponseBody)
				}
			}
		}
		r.done("AcknowledgeDVChallenges", r.cps.AcknowledgeDVChallenges(ctx, ack), nil)
	case "pre-verification-warnings-acknowledgement":
		warnings, err := r.cps.GetChangePreVerificationWarnings(ctx, ids)
		step(r, "GetChangePreVerificationWarnings", warnings, err)
		r.done("AcknowledgePreVerificationWarnings", r.cps.AcknowledgePreVerificationWarnings(ctx, ack), nil)
	case "post-verification-warnings-acknowledgement":
		warnings, err := r.cps.GetChangePostVerificationWarnings(ctx, ids)
		step(r, "GetChangePostVerificationWarnings", warnings, err)
		r.done("AcknowledgePostVerificationWarnings", r.cps.AcknowledgePostVerificationWarnings(ctx, ack), nil)
	case "change-management":
		info, err := r.cps.GetChangeManagementInfo(ctx, ids)
		step(r, "GetChangeManagementInfo", info, err)
		deployment, err := r.cps.GetChangeDeploymentInfo(ctx, ids)
		step(r, "GetChangeDeploymentInfo", deployment, err)
		r.done("AcknowledgeChangeManagement", r.cps.AcknowledgeChangeManagement(ctx, ack), nil)
	case "third-party-certificate":
		csrs, err := r.cps.GetChangeThirdPartyCSR(ctx, ids)
		step(r, "GetChangeThirdPartyCSR", csrs, err)
		upload := cps.UploadThirdPartyCertAndTrustChainRequest{EnrollmentID: ids.EnrollmentID, ChangeID: ids.ChangeID}
		for _, csr := range csrs.CSRs {
			certificate, chain, err := signWithTestCA(csr.CSR)
			if err != nil {
				fail("sign third-party CSR", err)
			}
			upload.Certificates.CertificatesAndTrustChains = append(upload.Certificates.CertificatesAndTrustChains,
				cps.CertificateAndTrustChain{Certificate: certificate, TrustChain: chain, KeyAlgorithm: csr.KeyAlgorithm})
		}
		r.done("UploadThirdPartyCertAndTrustChain", r.cps.UploadThirdPartyCertAndTrustChain(ctx, upload), map[string]any{"certificates": len(upload.Certificates.CertificatesAndTrustChains)})
	default:
		fail("GetChangeStatus", fmt.Errorf("an input this program does not answer: %s", inputType))
	}
}

// publishTXT writes the dns-01 record through Edge DNS with the Go client's pkg/dns (create, or
// update when a previous change left one).
func (r *run) publishTXT(fullPath, value string) {
	name := trimDot(fullPath)
	record := &dns.RecordBody{Name: name, RecordType: "TXT", TTL: ptr(60), Target: []string{value}}
	err := r.dns.CreateRecord(r.ctx, dns.CreateRecordRequest{Record: record, Zone: r.zone})
	how := "CreateRecord"
	if err != nil {
		how = "UpdateRecord"
		err = r.dns.UpdateRecord(r.ctx, dns.UpdateRecordRequest{Record: record, Zone: r.zone})
	}
	r.done("dns."+how, err, map[string]any{"name": name})
}

func trimDot(name string) string {
	if len(name) > 0 && name[len(name)-1] == '.' {
		return name[:len(name)-1]
	}
	return name
}
