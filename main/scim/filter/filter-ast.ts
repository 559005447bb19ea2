/**
 * The filter expression tree of RFC 7644 §3.4.2.2, parsed once and used by list
 * queries (printed to SQL by the store), PATCH value paths (matched in memory
 * against one multi-valued attribute) and member selections alike.
 *
 * The tree is generic in how an attribute is referenced: the parser produces
 * `AttrPath` (names as written), the schema resolver turns them into
 * `ResolvedAttr` (canonical names and definitions) before anything runs.
 */

/** An attribute reference as written, e.g. `urn:...:User:manager.value`, `name.givenName`. */
export interface AttrPath {
  /** Schema URN prefix when the name was schema-qualified. */
  readonly uri: string | undefined;
  readonly attr: string;
  readonly subAttr: string | undefined;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterValue = string | number | boolean | null;

export type FilterNode<P = AttrPath> =
  | {
      readonly kind: 'compare';
      readonly path: P;
      readonly op: CompareOp;
      /** JSON reading of the literal: quoted → string; true/false/null/number → typed; any other bare word → string. */
      readonly value: FilterValue;
      /**
       * The literal's text: the decoded string when quoted, the exact lexeme when bare.
       * Entra may send values unquoted (`userName eq 007`); a string attribute compares
       * against this text so leading zeros and the like survive.
       */
      readonly text: string;
    }
  | { readonly kind: 'present'; readonly path: P }
  | { readonly kind: 'and'; readonly left: FilterNode<P>; readonly right: FilterNode<P> }
  | { readonly kind: 'or'; readonly left: FilterNode<P>; readonly right: FilterNode<P> }
  | { readonly kind: 'not'; readonly filter: FilterNode<P> }
  | {
      /** `emails[type eq "work" and value co "@x"]`: the inner filter's paths name sub-attributes of `path`. */
      readonly kind: 'valuePath';
      readonly path: P;
      readonly filter: FilterNode<P>;
    };

export type Filter = FilterNode<AttrPath>;

/**
 * A PATCH operation path (RFC 7644 §3.5.2): `attrPath` or `valuePath [ "." subAttr ]`,
 * e.g. `members[value eq "2819c223"]`, `emails[type eq "work"].value`.
 */
export interface PatchPath<P = AttrPath> {
  readonly path: P;
  readonly filter: FilterNode<P> | undefined;
  /** Sub-attribute after a value filter (`.value` in `emails[type eq "work"].value`). */
  readonly filterSubAttr: string | undefined;
}
