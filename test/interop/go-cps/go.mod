module github.com/pulumi-akamai-cps/test/interop/go-cps

go 1.25.0

// v13.2.0: the newest edgegrid-golang the Go module proxy served whole on 2026-12-01 (v13.3.0's go.mod was
// not in the checksum database, v13.4.0's zip was refused). Raise it here when a newer one is served.
require github.com/akamai/AkamaiOPEN-edgegrid-golang/v13 v13.2.0

require (
	github.com/benbjohnson/clock v1.3.5 // indirect
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/go-ozzo/ozzo-validation/v4 v4.3.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.7 // indirect
	github.com/kr/pretty v0.3.1 // indirect
	github.com/mitchellh/go-homedir v1.1.0 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/stretchr/objx v0.5.2 // indirect
	github.com/stretchr/testify v1.10.0 // indirect
	go.uber.org/ratelimit v0.3.1 // indirect
	golang.org/x/net v0.53.0 // indirect
	gopkg.in/ini.v1 v1.67.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
