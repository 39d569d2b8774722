// Pyodide（npm の pyodide、固定版）を Node.js で起動し、teichaku の wheel を入れて、ベクトルをすべて計算する。
// 使い方：node tests/parity.mjs WHEEL VECTORS.json → 標準出力に {"python": 版, "results": [...]}（JSON）
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { loadPyodide } from "pyodide";

const [wheelPath, vectorsPath] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const indexURL = dirname(require.resolve("pyodide/package.json")) + "/";
const pyodide = await loadPyodide({ indexURL, packageBaseUrl: indexURL, stdout: () => {}, stderr: () => {} });
const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
pyodide.unpackArchive(new Uint8Array(readFileSync(wheelPath)), "wheel", { extractDir: sitePackages });
const web = pyodide.pyimport("teichaku.web");
const vectors = JSON.parse(readFileSync(vectorsPath, "utf8"));
const results = vectors.map(([kind, inputs]) => JSON.parse(web.run_json(kind, JSON.stringify(inputs))));
const python = pyodide.runPython("import sys; sys.version");
const location = pyodide.runPython("import teichaku; teichaku.__file__");
const version = pyodide.runPython("import importlib.metadata; importlib.metadata.version('teichaku')");
process.stdout.write(JSON.stringify({ python, location, version, results }));
