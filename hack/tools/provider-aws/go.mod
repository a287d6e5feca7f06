// Pin for the provider-upjet-aws source, used only for its package/crds/*.yaml
// (hack/tools.sh crds). Nothing is built from it, so there is no tool line.
module payment-platform/hack/tools/provider-aws

go 1.26.0

require github.com/upbound/provider-aws/v2 v2.7.0
