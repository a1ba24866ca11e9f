/** Fails a store operation on one key; the base of the store's typed errors. */
export class StoreError extends Error {
  /** The etcd key the operation was about. */
  readonly key: string;

  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.key = key;
  }
}

/** Says the key does not exist (get-then-update, delete or update of an absent object). */
export class NotFoundError extends StoreError {
  constructor(key: string, message = `${key} not found`, options?: { cause?: unknown }) {
    super(key, message, options);
    this.name = 'NotFoundError';
  }
}

/** Says the object changed since the resourceVersion the write was based on. */
export class ConflictError extends StoreError {
  constructor(key: string, message = `${key} was modified concurrently`, options?: { cause?: unknown }) {
    super(key, message, options);
    this.name = 'ConflictError';
  }
}

/** Says a create found the key already present. */
export class AlreadyExistsError extends StoreError {
  constructor(key: string, message = `${key} already exists`, options?: { cause?: unknown }) {
    super(key, message, options);
    this.name = 'AlreadyExistsError';
  }
}

/**
 * Says a fenced write was refused because the writer no longer holds the election key it was
 * fenced on (a deposed leader). Not retryable: the writer must stop acting as leader.
 */
export class FencedError extends StoreError {
  /** The election key the write was fenced on. */
  readonly fenceKey: string;

  constructor(key: string, fenceKey: string, message = `write to ${key} refused: no longer holding ${fenceKey}`) {
    super(key, message);
    this.name = 'FencedError';
    this.fenceKey = fenceKey;
  }
}

/** True when the error is a NotFoundError. */
export function isNotFound(err: unknown): err is NotFoundError {
  return err instanceof NotFoundError;
}

/** True when the error is a ConflictError. */
export function isConflict(err: unknown): err is ConflictError {
  return err instanceof ConflictError;
}

/** True when the error is an AlreadyExistsError. */
export function isAlreadyExists(err: unknown): err is AlreadyExistsError {
  return err instanceof AlreadyExistsError;
}

/** True when the error is a FencedError. */
export function isFenced(err: unknown): err is FencedError {
  return err instanceof FencedError;
}

/** Returns undefined for a NotFoundError and rethrows anything else: `await store.delete(...).catch(ignoreNotFound)`. */
export function ignoreNotFound(err: unknown): undefined {
  if (isNotFound(err)) return undefined;
  throw err;
}
