/**
 * Anything that tells listeners about changes: the store's Informer and KeyInformer, or a test
 * double. `on` returns the function that unsubscribes.
 */
export interface EventSource<E> {
  on(listener: (event: E) => void): () => void;
}
