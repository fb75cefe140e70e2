// Rewrites a cdktf provider package's lib/index.js so that each submodule
// (one per resource) is required when first used, not all at start-up.
//
// The published index.js requires all ~110 submodules of the kubernetes
// provider (98 MB of JavaScript) as soon as jsii loads the package: about
// 1 s of every synth that uses the binding. jsii finds a type by walking
// the module's exports (exports.deploymentV1.DeploymentV1), so a getter
// that requires the submodule on first access returns the same objects.
// Nothing else in the package changes.
//
// Usage: node lazy-jsii-index.js path/to/lib/index.js
"use strict";
const fs = require("fs");

const file = process.argv[2];
const eager = /^exports\.(\w+) = require\("(\.\/[\w.-]+)"\);$/gm;
let count = 0;
const lazy = fs.readFileSync(file, "utf8").replace(eager, (_, name, path) => {
  count++;
  return `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, configurable: true, get: () => require(${JSON.stringify(path)}) });`;
});
if (count === 0) {
  console.error(`${file}: no "exports.x = require(...)" lines; is this a cdktf provider package?`);
  process.exit(1);
}
fs.writeFileSync(file, lazy);
console.log(`${file}: ${count} submodules now load on first use`);
