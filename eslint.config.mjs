import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
        { patterns: [{ group: ["**/emulator/**", "**/emulator", "**/resources/**", "**/resources", "**/sdk/**"], message: "provider/lifecycle builds on provider/cps only." }] },
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
