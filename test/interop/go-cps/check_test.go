package main

import (
	"encoding/json"
	"strings"
	"testing"
)

type sample struct {
	Kept   int    `json:"kept"`
	Note   string `json:"note,omitempty"`
	Nested *struct {
		Inner bool `json:"inner"`
	} `json:"nested"`
}

func decodeSample(t *testing.T, raw string) fidelity {
	t.Helper()
	var v sample
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	return compare([]byte(raw), &v)
}

// The comparison is what makes the interop test able to fail: prove it sees what the Go types drop.
func TestCompareReportsMembersTheTypeDrops(t *testing.T) {
	f := decodeSample(t, `{"kept":1,"extra":"x","nested":{"inner":true,"deeper":2}}`)
	if !strings.Contains(f.Unknown, "unknown field") {
		t.Errorf("strict decoding should refuse an unknown member, got %q", f.Unknown)
	}
	if strings.Join(f.Lost, ",") != "$.extra: sent x, kept <nil>,$.nested.deeper: sent 2, kept <nil>" {
		t.Errorf("lost = %v", f.Lost)
	}
}

func TestCompareAcceptsAFaithfulBodyAndEmptyValuesOmitted(t *testing.T) {
	f := decodeSample(t, `{"kept":1,"note":"","nested":{"inner":false}}`)
	if f.Unknown != "" || len(f.Lost) != 0 || len(f.Gaps) != 0 {
		t.Errorf("expected nothing lost, got %+v", f)
	}
}

func TestCompareListsKnownGapsApart(t *testing.T) {
	f := decodeSample(t, `{"kept":1,"nested":{"inner":true,"fipsMode":true}}`)
	if f.Unknown != "" || len(f.Lost) != 0 || strings.Join(f.Gaps, ",") != "$.nested.fipsMode" {
		t.Errorf("expected only the gap, got %+v", f)
	}
}
