// 小さな DOM の道具：要素を作る（文字列を HTML として差し込まない）、サイトの根、バイト数の表示。

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes))
    if (value !== null && value !== undefined && value !== false)
      node.setAttribute(name, value === true ? "" : value);
  for (const child of children.flat(Infinity))
    if (child !== null && child !== undefined)
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

// サイトの根（Material が __md_scope に置く。サブパスに置いたサイトでも正しい）
export function siteRoot() {
  return globalThis.__md_scope instanceof URL ? globalThis.__md_scope : new URL("../../", location.href);
}

export function megabytes(bytes) {
  return (bytes / 1048576).toLocaleString("ja-JP", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

export function megabytesOrBytes(size) {
  return size >= 1048576 ? `${megabytes(size)} MB` : `${size.toLocaleString("ja-JP")} バイト`;
}
