// A linear pre-scan of untrusted XML before any parser sees it. The DOM parser underneath (xmldom) slows
// down quadratically with unclosed elements (20,000 `<a>` took 16 s and blocked the whole process), and
// no genuine SAML message or metadata document is deeper than a few dozen levels or has tens of
// thousands of elements. DTDs and comments are refused by the callers before this runs.
import { SamlRejected } from './rejection.js';

export const MAX_XML_DEPTH = 48;
export const MAX_XML_ELEMENTS = 20_000;

/** Throws unless `xml` nests at most MAX_XML_DEPTH deep and holds at most MAX_XML_ELEMENTS elements. */
export function assertXmlShape(xml: string, what = 'the XML'): void {
  let depth = 0, elements = 0;
  for (let i = xml.indexOf('<'); i >= 0; i = xml.indexOf('<', i + 1)) {
    const next = xml[i + 1];
    if (next === '?' || next === '!') continue;
    if (next === '/') { depth = Math.max(0, depth - 1); continue; }
    // Find the end of this tag, stepping over quoted attribute values (which may hold '>').
    let j = i + 1, quote = '';
    for (; j < xml.length; j++) {
      const c = xml[j];
      if (quote) { if (c === quote) quote = ''; } else if (c === '"' || c === "'") quote = c; else if (c === '>') break;
    }
    if (j >= xml.length) break;
    elements++;
    if (xml[j - 1] !== '/') depth++;
    if (depth > MAX_XML_DEPTH) throw new SamlRejected('invalid', `${what} nests deeper than ${MAX_XML_DEPTH} levels`);
    if (elements > MAX_XML_ELEMENTS) throw new SamlRejected('invalid', `${what} has more than ${MAX_XML_ELEMENTS} elements`);
    i = j;
  }
}
