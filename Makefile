# payment-platform: every target installs what it needs first, so a fresh clone needs only
# `make synth` and `make test`. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.package-lock.json

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: install
install: $(NPM_STAMP) ## Install the pinned npm dependencies (npm ci)

.PHONY: build
build: install ## Compile TypeScript to dist/, bundle the CLI (dist/cli/, esbuild) with its code caches and startup snapshot (dist/cli/cli.blob)
	npx tsc -p tsconfig.json
	node dist/src/cli/bundle.js

.PHONY: synth
synth: build ## Generate the XRD, Composition, Helm chart and docs from src/
	node dist/src/main.js

.PHONY: drift
drift: build ## Fail if committed generated files differ from a fresh synth
	node dist/src/main.js --check

.PHONY: test
test: build drift test-unit test-integration ## Drift check, then the unit and integration suites

.PHONY: test-unit
test-unit: install ## Unit suites (pure TypeScript, no external tool): API, Composition, policy, renderer, CLI, operator logic, scan converter
	NODE_OPTIONS=--experimental-vm-modules npx jest --selectProjects unit

.PHONY: test-integration
test-integration: install ## Integration suites (real tools): chart (helm lint/template), Configuration package (crossplane xpkg build), Argo CD health (Lua), checkov, provider tables (Go), tool pins
	scripts/ensure-lua.sh
	hack/tools.sh ensure helm crossplane
	NODE_OPTIONS=--experimental-vm-modules npx jest --selectProjects integration

.PHONY: package
package: drift ## Build payment-platform.xpkg, the Configuration package, with the pinned `crossplane xpkg build` (see package/)
	hack/tools.sh ensure crossplane
	node dist/src/package/build.js -o payment-platform.xpkg

.PHONY: tools
tools: ## Build (or reuse from ~/.cache/payment-platform) the pinned tools: kube-apiserver, etcd, Crossplane CLI, functions (Go); helm, Node.js 24 (npm)
	hack/tools.sh ensure

.PHONY: e2e
e2e: build tools ## End-to-end suites: a throwaway kube-apiserver + etcd, and the reconcile suites on the real Crossplane core (started and stopped here)
	scripts/ensure-lua.sh
	hack/control-plane.sh run -- env NODE_OPTIONS=--experimental-vm-modules npx jest --selectProjects e2e --runInBand

.PHONY: demo
demo: build ## Local demo: real Crossplane core + stand-in provider, chart, example claim until READY, deletion in order; tears down on exit
	scripts/demo.sh

.PHONY: lint
lint: install ## Type-check, ESLint (typescript-eslint, type-aware) and prettier --check
	npx tsc -p tsconfig.json --noEmit
	npm run lint

.PHONY: mutate
mutate: install ## Mutation testing (StrykerJS) of src/policy and src/render; slow, not in CI; report in reports/mutation/
	npx stryker run --incremental $(MUTATE_ARGS)

.PHONY: clean
clean: ## Remove build output
	rm -rf dist coverage payment-platform.xpkg

.PHONY: scan
scan: build ## checkov (pinned, cached) on the chart's objects, the production example as Terraform and the Dockerfile, with scan/exceptions.yaml
	scripts/scan.sh

.PHONY: bench-render
bench-render: build ## Benchmark `kubectl payments` commands as processes against `crossplane render` with its functions (CPU, wall, RSS)
	hack/tools.sh ensure crossplane crossplane-core function-patch-and-transform function-cel-filter function-auto-ready
	npx tsc --outDir dist --rootDir . --module NodeNext --moduleResolution NodeNext --target ES2022 --strict \
	  --skipLibCheck --esModuleInterop --resolveJsonModule --types node --ignoreConfig bench/render-bench.ts
	node dist/bench/render-bench.js

.PHONY: bench-breaker
bench-breaker: build tools ## The reconcile-defaults suite twice (Crossplane's default circuit breaker, then widened): time to Ready, watch events, XRs whose breaker opened (stand-in knobs: PP_CREATE_MS, PP_OBSERVE_MS, PP_LAYOUTS)
	hack/control-plane.sh run -- env NODE_OPTIONS=--experimental-vm-modules npx jest --selectProjects e2e --runInBand --testPathPatterns reconcile-defaults
	PP_BREAKER=widened hack/control-plane.sh run -- env NODE_OPTIONS=--experimental-vm-modules npx jest --selectProjects e2e --runInBand --testPathPatterns reconcile-defaults

.PHONY: test-operator
test-operator: build ## Operator tests: unit suites, then e2e suites on their own real API servers
	hack/tools.sh ensure kubernetes etcd crossplane helm node
	NODE_OPTIONS=--experimental-vm-modules npx jest test/unit/operator --selectProjects unit
	NODE_OPTIONS=--experimental-vm-modules npx jest test/integration/chart --selectProjects integration
	NODE_OPTIONS=--experimental-vm-modules npx jest test/e2e/operator --selectProjects e2e

.PHONY: bench-operator
bench-operator: build ## Operator benchmark on a real API server (N=100 and 1,000 platforms); writes docs/operator.md
	hack/tools.sh ensure kubernetes etcd crossplane node
	npx tsc -p bench/tsconfig.json
	node dist/bench/operator-bench.js

.PHONY: bench-status
bench-status: build ## API server CPU per status.health write (N=300 platforms), with the XRD's CEL rules and without
	hack/tools.sh ensure kubernetes etcd crossplane
	npx tsc -p bench/tsconfig.json
	node dist/bench/status-write-bench.js
