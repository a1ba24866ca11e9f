import type { TestProject } from 'vitest/node';
import { startEtcd, type EtcdProcess } from '@helios/etcd-process';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Client URL of the real etcd the whole test run shares (each test uses its own key root). */
    etcdEndpoint: string;
  }
}

let etcd: EtcdProcess | undefined;

/** Starts one real etcd on a free loopback port with a temp data dir for the test run. */
export async function setup(project: TestProject): Promise<void> {
  etcd = await startEtcd();
  project.provide('etcdEndpoint', etcd.endpoint);
}

export async function teardown(): Promise<void> {
  await etcd?.stop();
}
