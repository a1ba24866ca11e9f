/**
 * A manifest document that does not fit the API schema.
 *
 * The message reads `document 2: spec.min: expected an integer, got string "three"`: the
 * document's 1-based position (only when the caller decodes several), the field path, the reason.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';

  constructor(
    /** Dotted path of the offending field (`spec.template.env.PORT`, `spec.zones[1]`); '' for the document itself. */
    readonly path: string,
    /** What is wrong, without the path. */
    readonly reason: string,
    /** 0-based position of the document in its stream, when there are several. */
    readonly index?: number,
  ) {
    super(`${index === undefined ? '' : `document ${index + 1}: `}${path ? `${path}: ` : ''}${reason}`);
  }
}
