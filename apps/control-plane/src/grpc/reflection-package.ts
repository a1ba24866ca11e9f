import { loadFileDescriptorSetFromBuffer, type PackageDefinition } from '@grpc/proto-loader';
import { nodeProtoMetadata, operatorProtoMetadata } from '@helios/api';
import { FileDescriptorProto, FileDescriptorSet } from 'ts-proto-descriptors';

/** ts-proto's per-file metadata: a file descriptor and the files it imports. */
interface ProtoFile {
  fileDescriptor: FileDescriptorProto;
  dependencies?: ProtoFile[];
}

/**
 * The proto-loader package definition server reflection needs, built from the descriptors
 * ts-proto compiled into the generated code (operator.proto, node.proto, resources.proto and
 * google/protobuf/timestamp.proto), so no .proto file is read at run time and reflection
 * describes exactly the schema the server was built from.
 */
export function operatorPackageDefinition(): PackageDefinition {
  const files = new Map<string, FileDescriptorProto>();
  const collect = (file: ProtoFile) => {
    for (const dependency of file.dependencies ?? []) collect(dependency);
    // Dependencies first: protobufjs resolves a file's types against those already loaded.
    if (!files.has(file.fileDescriptor.name)) files.set(file.fileDescriptor.name, FileDescriptorProto.fromPartial(file.fileDescriptor));
  };
  collect(operatorProtoMetadata);
  collect(nodeProtoMetadata);
  const set = FileDescriptorSet.encode(FileDescriptorSet.fromPartial({ file: [...files.values()] })).finish();
  return loadFileDescriptorSetFromBuffer(Buffer.from(set), { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
}
