// Command go-cps drives the CPS emulator with Akamai's own Go client (edgegrid-golang pkg/cps, with
// pkg/edgegrid, pkg/session and pkg/dns), used the way its README shows: an edgegrid config from an
// .edgerc, a session, cps.Client(sess). It prints one JSON line per step (the call, what it returned,
// and what the Go types lost of the raw body) and exits non-zero at the first call that fails.
//
// Input (environment): AKAMAI_EDGERC, AKAMAI_EDGERC_SECTION, CPS_CONTRACT_ID, CPS_ZONE (a zone the
// emulator's DNS serves); SSL_CERT_FILE trusts the emulator's private CA, as for any Go program.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/cps"
	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/dns"
	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/edgegrid"
	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/session"
)

type run struct {
	ctx      context.Context
	cps      cps.CPS
	dns      dns.DNS
	rec      *recorder
	contract string
	zone     string
}

// step prints what a call returned and what its Go type lost of the raw body.
func step[T any](r *run, name string, result *T, err error) *T {
	if err != nil {
		fail(name, err)
	}
	line := map[string]any{"step": name}
	if result != nil {
		line["fidelity"] = compare(r.rec.lastBody(), result)
		line["result"] = result
	}
	emit(line)
	return result
}

// done prints a call that returns no body (acknowledgements, uploads, DNS writes).
func (r *run) done(name string, err error, detail map[string]any) {
	if err != nil {
		fail(name, err)
	}
	emit(map[string]any{"step": name, "result": detail})
}

func emit(line map[string]any) {
	out, _ := json.Marshal(line)
	fmt.Println(string(out))
}

func fail(name string, err error) {
	emit(map[string]any{"step": name, "error": err.Error()})
	os.Exit(1)
}

func main() {
	config, err := edgegrid.New(edgegrid.WithFile(os.Getenv("AKAMAI_EDGERC")), edgegrid.WithSection(os.Getenv("AKAMAI_EDGERC_SECTION")))
	if err != nil {
		fail("edgegrid.New", err)
	}
	rec := &recorder{next: http.DefaultTransport}
	sess, err := session.New(session.WithSigner(config), session.WithClient(&http.Client{Transport: rec, Timeout: 30 * time.Second}))
	if err != nil {
		fail("session.New", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	r := &run{ctx: ctx, cps: cps.Client(sess), dns: dns.Client(sess), rec: rec, contract: os.Getenv("CPS_CONTRACT_ID"), zone: os.Getenv("CPS_ZONE")}

	r.notFound()
	dvID := r.dvEnrollment()
	r.thirdPartyEnrollment()
	removed, err := r.cps.RemoveEnrollment(ctx, cps.RemoveEnrollmentRequest{EnrollmentID: dvID, AllowCancelPendingChanges: ptr(true)})
	step(r, "RemoveEnrollment", removed, err)
	emit(map[string]any{"step": "end"})
}

func ptr[T any](v T) *T { return &v }

// notFound: the error an unknown enrollment gets must be the one the Go client recognises
// (errors.Is(err, cps.ErrNotFound) needs status 404 and the title "Not Found", pkg/cps/errors.go).
func (r *run) notFound() {
	_, err := r.cps.GetEnrollment(r.ctx, cps.GetEnrollmentRequest{EnrollmentID: 987654321})
	var apiError *cps.Error
	if err == nil || !errors.As(err, &apiError) {
		fail("GetEnrollment(unknown id)", fmt.Errorf("expected a *cps.Error, got %v", err))
	}
	emit(map[string]any{
		"step":     "GetEnrollment(unknown id)",
		"result":   map[string]any{"isNotFound": errors.Is(err, cps.ErrNotFound), "error": apiError},
		"fidelity": compare(r.rec.lastBody(), apiError),
	})
}

func contact() *cps.Contact {
	return &cps.Contact{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.test", Phone: "+1 617 555 0100"}
}

func body(ra, validationType, certificateType, cn string, sans []string, changeManagement bool) cps.EnrollmentRequestBody {
	return cps.EnrollmentRequestBody{
		RA: ra, ValidationType: validationType, CertificateType: certificateType,
		ChangeManagement: changeManagement, SignatureAlgorithm: "SHA-256",
		CSR:                  &cps.CSR{CN: cn, SANS: sans, C: "US", ST: "MA", L: "Cambridge", O: "Example Inc."},
		NetworkConfiguration: &cps.NetworkConfiguration{Geography: "core", SecureNetwork: "enhanced-tls", SNIOnly: true},
		Org:                  &cps.Org{Name: "Example Inc.", City: "Cambridge", Region: "MA", Country: "US", AddressLineOne: "1 Main St", PostalCode: "02142", Phone: "+1 617 555 0100"},
		AdminContact:         contact(),
		TechContact:          contact(),
	}
}

// dvEnrollment: a Let's Encrypt SAN enrollment with change management, completed through dns-01,
// then read back, a SAN added (a second change, rescheduled), and completed again.
func (r *run) dvEnrollment() int {
	ctx := r.ctx
	www, api := "www."+r.zone, "api."+r.zone
	created, err := r.cps.CreateEnrollment(ctx, cps.CreateEnrollmentRequest{
		ContractID:            r.contract,
		EnrollmentRequestBody: body("lets-encrypt", "dv", "san", www, []string{www, api}, true),
	})
	step(r, "CreateEnrollment", created, err)
	changeID := mustID("CreateEnrollment", created.Changes)
	r.drive(created.ID, changeID)

	got, err := r.cps.GetEnrollment(ctx, cps.GetEnrollmentRequest{EnrollmentID: created.ID})
	step(r, "GetEnrollment", got, err)
	list, err := r.cps.ListEnrollments(ctx, cps.ListEnrollmentsRequest{ContractID: r.contract})
	step(r, "ListEnrollments", list, err)
	prod, err := r.cps.GetProductionDeployment(ctx, cps.GetDeploymentRequest{EnrollmentID: created.ID})
	step(r, "GetProductionDeployment", prod, err)
	staging, err := r.cps.GetStagingDeployment(ctx, cps.GetDeploymentRequest{EnrollmentID: created.ID})
	step(r, "GetStagingDeployment", staging, err)
	deployments, err := r.cps.ListDeployments(ctx, cps.ListDeploymentsRequest{EnrollmentID: created.ID})
	step(r, "ListDeployments", deployments, err)
	changes, err := r.cps.GetChangeHistory(ctx, cps.GetChangeHistoryRequest{EnrollmentID: created.ID})
	step(r, "GetChangeHistory", changes, err)
	certificates, err := r.cps.GetCertificateHistory(ctx, cps.GetCertificateHistoryRequest{EnrollmentID: created.ID})
	step(r, "GetCertificateHistory", certificates, err)
	dvHistory, err := r.cps.GetDVHistory(ctx, cps.GetDVHistoryRequest{EnrollmentID: created.ID})
	step(r, "GetDVHistory", dvHistory, err)

	// A SAN added: the Go client's own update call, with the enrollment as read (a new change).
	update := body("lets-encrypt", "dv", "san", www, []string{www, api, "shop." + r.zone}, true)
	update.NetworkConfiguration = got.NetworkConfiguration
	updated, err := r.cps.UpdateEnrollment(ctx, cps.UpdateEnrollmentRequest{EnrollmentID: created.ID, EnrollmentRequestBody: update})
	step(r, "UpdateEnrollment", updated, err)
	changeID = mustID("UpdateEnrollment", updated.Changes)
	pending, err := r.cps.GetEnrollment(ctx, cps.GetEnrollmentRequest{EnrollmentID: created.ID})
	step(r, "GetEnrollment(pending change)", pending, err)
	pendingList, err := r.cps.ListEnrollments(ctx, cps.ListEnrollmentsRequest{ContractID: r.contract})
	step(r, "ListEnrollments(pending change)", pendingList, err)

	schedule, err := r.cps.GetDeploymentSchedule(ctx, cps.GetDeploymentScheduleRequest{EnrollmentID: created.ID, ChangeID: changeID})
	step(r, "GetDeploymentSchedule", schedule, err)
	notAfter := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Second).Format(time.RFC3339)
	rescheduled, err := r.cps.UpdateDeploymentSchedule(ctx, cps.UpdateDeploymentScheduleRequest{
		EnrollmentID: created.ID, ChangeID: changeID, DeploymentSchedule: cps.DeploymentSchedule{NotAfter: &notAfter},
	})
	step(r, "UpdateDeploymentSchedule", rescheduled, err)
	schedule, err = r.cps.GetDeploymentSchedule(ctx, cps.GetDeploymentScheduleRequest{EnrollmentID: created.ID, ChangeID: changeID})
	step(r, "GetDeploymentSchedule(after update)", schedule, err)
	r.drive(created.ID, changeID)
	return created.ID
}

// thirdPartyEnrollment: CPS makes the key and CSR, a test CA signs it (leaving one SAN out, so the
// emulator raises a post-verification warning), and one SAN overlaps the DV enrollment's (a
// pre-verification warning).
func (r *run) thirdPartyEnrollment() {
	ctx := r.ctx
	cn := "tp." + r.zone
	request := cps.CreateEnrollmentRequest{
		ContractID:            r.contract,
		EnrollmentRequestBody: body("third-party", "third-party", "third-party", cn, []string{cn, "api." + r.zone, "extra." + r.zone}, false),
	}
	request.ThirdParty = &cps.ThirdParty{ExcludeSANS: false}
	created, err := r.cps.CreateEnrollment(ctx, request)
	step(r, "CreateEnrollment(third-party)", created, err)
	r.drive(created.ID, mustID("CreateEnrollment(third-party)", created.Changes))

	// A forced renewal opens a change waiting for the next upload; the Go client cancels it.
	renewal, err := r.cps.UpdateEnrollment(ctx, cps.UpdateEnrollmentRequest{EnrollmentID: created.ID, EnrollmentRequestBody: request.EnrollmentRequestBody, ForceRenewal: ptr(true)})
	step(r, "UpdateEnrollment(force-renewal)", renewal, err)
	renewalID := mustID("UpdateEnrollment(force-renewal)", renewal.Changes)
	cancelled, err := r.cps.CancelChange(ctx, cps.CancelChangeRequest{EnrollmentID: created.ID, ChangeID: renewalID})
	step(r, "CancelChange", cancelled, err)
	status, err := r.cps.GetChangeStatus(ctx, cps.GetChangeStatusRequest{EnrollmentID: created.ID, ChangeID: renewalID})
	step(r, "GetChangeStatus(cancelled)", status, err)
	removed, err := r.cps.RemoveEnrollment(ctx, cps.RemoveEnrollmentRequest{EnrollmentID: created.ID, AllowCancelPendingChanges: ptr(true)})
	step(r, "RemoveEnrollment(third-party)", removed, err)
}

func mustID(name string, locations []string) int {
	if len(locations) != 1 {
		fail(name, fmt.Errorf("expected one change location, got %v", locations))
	}
	id, err := cps.GetIDFromLocation(locations[0])
	if err != nil {
		fail(name, err)
	}
	return id
}
