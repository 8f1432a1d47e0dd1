package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"sync"
)

// recorder keeps the raw body of the last response, so every decoded result can be compared with what
// the emulator actually sent: the Go client decodes leniently (encoding/json drops unknown members).
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	last []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.last = body
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) lastBody() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// fidelity is what one response lost on its way into the Go client's type.
type fidelity struct {
	// Unknown: the strict decoder (DisallowUnknownFields) refused the body into a fresh value of the type.
	Unknown string `json:"unknown,omitempty"`
	// Gaps: members of knownGaps the body carried (see there); left out of the strict decode.
	Gaps []string `json:"gaps,omitempty"`
	// Lost: members with a non-empty value in the raw body that are missing or different after
	// re-encoding the decoded value (empty values may be dropped by the type's omitempty).
	Lost []string `json:"lost,omitempty"`
}

// knownGaps are members Akamai documents that this version of the Go types does not have yet; the
// emulator is right to send them, so they are reported as gaps, not failures.
var knownGaps = map[string]string{
	// akamai-apis apis/cps/v2/schemas/deployment.v8.yaml (networkConfiguration.fipsMode); edgegrid-golang
	// v13.2.0 pkg/cps/deployments.go DeploymentNetworkConfiguration has no FIPSMode.
	"fipsMode": "deployment.v8 networkConfiguration.fipsMode",
}

func compare[T any](raw []byte, decoded *T) fidelity {
	var f fidelity
	var sent, kept any
	if err := json.Unmarshal(raw, &sent); err != nil {
		f.Lost = append(f.Lost, "body is not JSON: "+err.Error())
		return f
	}
	withoutGaps, _ := json.Marshal(dropGaps("$", sent, &f.Gaps))
	strict := json.NewDecoder(bytes.NewReader(withoutGaps))
	strict.DisallowUnknownFields()
	var fresh T
	if err := strict.Decode(&fresh); err != nil {
		f.Unknown = err.Error()
	}
	reencoded, err := json.Marshal(decoded)
	if err != nil {
		f.Lost = append(f.Lost, "cannot re-encode: "+err.Error())
		return f
	}
	_ = json.Unmarshal(reencoded, &kept)
	diff("$", sent, kept, &f.Lost)
	sort.Strings(f.Lost)
	return f
}

func dropGaps(path string, v any, gaps *[]string) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for name, member := range x {
			if _, gap := knownGaps[name]; gap {
				*gaps = append(*gaps, path+"."+name)
				continue
			}
			out[name] = dropGaps(path+"."+name, member, gaps)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = dropGaps(fmt.Sprintf("%s[%d]", path, i), x[i], gaps)
		}
		return out
	}
	return v
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case float64:
		return x == 0
	case []any:
		return len(x) == 0
	case map[string]any:
		for _, member := range x {
			if !empty(member) {
				return false
			}
		}
		return true
	}
	return false
}

func diff(path string, sent, kept any, out *[]string) {
	if empty(sent) {
		return
	}
	switch s := sent.(type) {
	case map[string]any:
		k, ok := kept.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: sent an object, kept %v", path, kept))
			return
		}
		for name, value := range s {
			if _, gap := knownGaps[name]; gap {
				continue
			}
			diff(path+"."+name, value, k[name], out)
		}
	case []any:
		k, ok := kept.([]any)
		if !ok || len(k) != len(s) {
			*out = append(*out, fmt.Sprintf("%s: sent %d items, kept %v", path, len(s), kept))
			return
		}
		for i := range s {
			diff(fmt.Sprintf("%s[%d]", path, i), s[i], k[i], out)
		}
	default:
		if !reflect.DeepEqual(sent, kept) {
			*out = append(*out, fmt.Sprintf("%s: sent %v, kept %v", path, sent, kept))
		}
	}
}
