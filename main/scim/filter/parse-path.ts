import type { PatchPath } from './filter-ast';
import { FilterParser } from './parse-filter';

/**
 * Parses a PATCH operation path (RFC 7644 §3.5.2: `PATH = attrPath / valuePath
 * [subAttr]`), e.g. `members[value eq "2819c223"]`, `emails[type eq "work"].value`,
 * `name.givenName`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`.
 * Uses the filter parser, so value filters accept exactly what list filters accept
 * (including Entra's unquoted values), but errors are ScimError 400 `invalidPath`.
 *
 * A bare extension URN (`urn:…:enterprise:2.0:User`) parses as uri `urn:…:enterprise:2.0`,
 * attr `User`: the caller recognises a whole-extension target with
 * `ResourceSchema.extensionByUrn(`${uri}:${attr}`)`.
 */
export function parsePatchPath(text: string): PatchPath {
  const parser = new FilterParser(text, 'invalidPath');
  const path = parser.attrPath('an attribute path');
  if (parser.peek() !== '[') {
    parser.expectEnd("a value filter '[' or the end of the path");
    return { path, filter: undefined, filterSubAttr: undefined };
  }
  if (path.subAttr !== undefined) parser.fail('the end of the path (a value filter cannot follow a sub-attribute)');
  const filter = parser.valueFilter();
  const filterSubAttr = parser.peek() === '.' ? parser.subAttrName() : undefined;
  parser.expectEnd(filterSubAttr === undefined ? "'.' and a sub-attribute name, or the end of the path" : 'the end of the path');
  return { path, filter, filterSubAttr };
}
