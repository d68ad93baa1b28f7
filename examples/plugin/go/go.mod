module codestar-plugin-go

go 1.24

require (
	github.com/pulumi-codestar-connections/pulumi-codestar-connections/sdk v0.1.0
	github.com/pulumi/pulumi/sdk/v3 v3.260.0
)

// From a checkout: the SDK in this repository (a release is fetched by its tag instead).
replace github.com/pulumi-codestar-connections/pulumi-codestar-connections/sdk => ../../../sdk
