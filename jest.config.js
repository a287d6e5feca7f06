// Jest runs the TypeScript sources as native ES modules (the project is "type": "module"
// because @kubernetes/client-node is ESM-only); run it with NODE_OPTIONS=--experimental-vm-modules.
//
// Projects:
// - unit: pure TypeScript (no helm, Lua, checkov, Go or any other spawned tool); fast.
// - integration: tests that run real tools: helm lint/template, the Argo CD health check in Lua,
//   checkov on the converted Terraform, the provider's Go module, hack/tools.sh.
// - e2e: against a throwaway kube-apiserver + etcd (make e2e).
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
};
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      // 60 s per test, not Jest's 5 s: see the file.
      setupFilesAfterEnv: ['<rootDir>/test/e2e/timeout.setup.ts'],
    },
  ],
};
