// What the tests use of domino, typed here: its own declarations name another package and need the DOM library.
declare module "@mixmark-io/domino" {
  export interface OracleNode {
    nodeType: number;
    childNodes: ArrayLike<OracleNode>;
  }
  export interface OracleElement extends OracleNode {
    localName: string;
    namespaceURI: string | null;
    attributes: ArrayLike<{ name: string; value: string }>;
    children: ArrayLike<OracleElement>;
    innerHTML: string;
  }
  export interface OracleDocument {
    body: OracleElement;
    querySelector(selectors: string): OracleElement | null;
  }
  const domino: { createDocument(html?: string): OracleDocument };
  export default domino;
}
