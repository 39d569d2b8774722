// Pyodide（npm の pyodide、固定版）を Node.js で起動し、teichaku の wheel（と openpyxl などの wheel）を入れて、
// ベクトルをすべて計算する。
// 使い方：node tests/parity.mjs VECTORS.json WHEEL... → 標準出力に {"python": 版, "results": [...]}（JSON）
// ベクトルは [計算機, 入力] か [計算機, 入力, ファイルの中身（base64）]。
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { loadPyodide } from "pyodide";

const [vectorsPath, ...wheels] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const indexURL = dirname(require.resolve("pyodide/package.json")) + "/";
const pyodide = await loadPyodide({ indexURL, packageBaseUrl: indexURL, stdout: () => {}, stderr: () => {} });
const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
for (const wheel of wheels)
  pyodide.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel", { extractDir: sitePackages });
const web = pyodide.pyimport("teichaku.interfaces.web");
const vectors = JSON.parse(readFileSync(vectorsPath, "utf8"));
const results = vectors.map(([kind, inputs, file]) => {
  if (file === undefined)
    return JSON.parse(web.run_json(kind, JSON.stringify(inputs)));
  const data = pyodide.toPy(new Uint8Array(Buffer.from(file, "base64")));
  try {
    return JSON.parse(web.run_bytes(kind, JSON.stringify(inputs), data));
  } finally {
    if (data.destroy) data.destroy();
  }
});
const python = pyodide.runPython("import sys; sys.version");
const location = pyodide.runPython("import teichaku; teichaku.__file__");
const version = pyodide.runPython("import importlib.metadata; importlib.metadata.version('teichaku')");
process.stdout.write(JSON.stringify({ python, location, version, results }));
