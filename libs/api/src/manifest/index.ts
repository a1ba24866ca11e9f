export { API_VERSION, decodeManifest } from './decode-manifest';
export { toDisplayObject, type DisplayObject, type JsonObject, type JsonValue } from './display-object';
export { didYouMean } from './did-you-mean';
export { enumDisplayName } from './enum-words';
export { ManifestError } from './manifest-error';
