import js from "@eslint/js";
import tseslint from "typescript-eslint";

// lifecycle/ and resources/ depend on the CpsApi interface (provider/cps/api.ts), which a test can
// fake, never on the HTTP client class; only provider-config.ts builds a CpsClient.
const DEPEND_ON_CPS_API = {
  group: ["**/cps", "**/cps/client", "**/cps/index"],
  importNames: ["CpsClient"],
  message: "Depend on CpsApi (provider/cps/api.ts), not CpsClient: operations get their client from the ResourceContext.",
};

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "examples/**/node_modules/**", "**/*.js", "**/*.mjs", "bench/results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["provider/resources/**/*.ts", "index.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/emulator/**", "**/emulator"], message: "The provider never imports the emulator." }, DEPEND_ON_CPS_API] }],
    },
  },
  {
    // The one place the HTTP client is built (one per configuration per process).
    files: ["provider/resources/provider-config.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/emulator/**", "**/emulator"], message: "The provider never imports the emulator." }] }],
    },
  },
  // The provider's layers depend one way: cps → lifecycle → resources → sdk.
  {
    files: ["provider/cps/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/emulator/**", "**/emulator", "**/lifecycle/**", "**/lifecycle", "**/resources/**", "**/resources", "**/sdk/**"], message: "provider/cps is the bottom layer: it imports neither lifecycle/, resources/, sdk/ nor the emulator." }] },
      ],
    },
  },
  {
    files: ["provider/lifecycle/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/emulator/**", "**/emulator", "**/resources/**", "**/resources", "**/sdk/**"], message: "provider/lifecycle builds on provider/cps only." }, DEPEND_ON_CPS_API] },
      ],
    },
  },
  {
    // sdk/ ships resource classes whose providers are loaded lazily; it may import provider *types*
    // only (a value import would be serialized into every resource's state).
    files: ["sdk/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/emulator/**", "**/emulator"], message: "The provider never imports the emulator." }, { group: ["../provider/**"], allowTypeImports: true, message: "sdk/ imports provider types only (`import type`)." }] },
      ],
    },
  },
  {
    files: ["emulator/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/provider/**", "**/sdk/**"], message: "The emulator never imports the provider." }] }],
    },
  },
);
