/**
 * A patch the server cannot apply. `status` is the HTTP code the apiserver should
 * answer with: 400 for a malformed body, 415 for an unknown patch type, 422 for a
 * well-formed patch that does not apply to the object.
 */
export class PatchError extends Error {
  override readonly name = 'PatchError';
  readonly status: 400 | 415 | 422;

  constructor(message: string, status: 400 | 415 | 422 = 422) {
    super(message);
    this.status = status;
  }
}
