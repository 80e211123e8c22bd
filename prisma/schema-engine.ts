/**
 * The WASM schema engine, loaded by hand, and the driver adapters it runs on. Only prisma/migrate.ts
 * uses this; every workaround here is for a hazard listed in shared/notes/prisma.md.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaContainer, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/** `@types/node` 20 has no WebAssembly types; these are the two constructors we use. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}

type EngineClass = typeof glue.SchemaEngine;
const panicRegistry = {
  message: '',
  set_message(m: string) {
    panicRegistry.message = m;
  },
  get() {
    return panicRegistry.message;
  },
};
let engineClass: Promise<EngineClass> | undefined;

/**
 * Loads the engine once per process (about 40 ms). Importing the package's main entry fails on
 * Node 20 (`ERR_UNKNOWN_FILE_EXTENSION ".wasm"`), so we compile the bytes and wire the glue by hand.
 */
function loadEngine(): Promise<EngineClass> {
  engineClass ??= (async () => {
    const g = globalThis as typeof globalThis & { PRISMA_WASM_PANIC_REGISTRY?: unknown; WebAssembly: WasmApi };
    // The glue files a Rust panic's message here before it traps; without it, a panic is a TypeError.
    g.PRISMA_WASM_PANIC_REGISTRY = panicRegistry;
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    const imports: Record<string, unknown> = { ...glue };
    for (const key of Object.keys(imports)) {
      // The engine arms a 10 s advisory-lock timer it never clears: unref'd, it cannot hold the process.
      if (key.startsWith('__wbg_setTimeout_')) {
        imports[key] = (fn: () => void, ms: number) => setTimeout(fn, ms >>> 0).unref();
      }
    }
    const instance = new g.WebAssembly.Instance(new g.WebAssembly.Module(bytes), { './schema_engine_bg.js': imports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })();
  return engineClass;
}

/** Runs one engine over the factory's connections, then frees it and releases everything opened. */
export async function withEngine<T>(
  schemaFiles: SchemaContainer[] | undefined,
  factory: SqlMigrationAwareDriverAdapterFactory,
  scope: AdapterScope,
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  let engine: SchemaEngine | undefined;
  try {
    const Engine = await loadEngine();
    const datamodels = schemaFiles?.map((f): [string, string] => [f.path, f.content]);
    engine = await Engine.new({ datamodels }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
    return await run(engine);
  } catch (e) {
    throw engineError(e);
  } finally {
    // The engine neither frees itself nor disposes the adapters it opened (a pg pool holds the process).
    engine?.free();
    await scope.close();
  }
}

/** A Rust panic surfaces as a bare `RuntimeError: unreachable`; the glue filed its message aside. */
function engineError(e: unknown): unknown {
  const panic = panicRegistry.message;
  if (!(e instanceof Error) || e.name !== 'RuntimeError' || panic === '') return e;
  panicRegistry.message = '';
  return new Error(`schema engine panicked: ${panic}`, { cause: e });
}

/** Every adapter and scratch PGlite one engine run opened, released together afterwards. */
export class AdapterScope {
  private readonly adapters: SqlDriverAdapter[] = [];
  private readonly scratch: PGlite[] = [];

  async freshPglite(): Promise<PGlite> {
    const db = new PGlite();
    this.scratch.push(db);
    await db.waitReady;
    return db;
  }

  /**
   * pglite-prisma-adapter 0.7.2 does not await `exec` in `executeScript`: a failing migration
   * would be recorded as applied and its error become an unhandled rejection.
   */
  async pgliteAdapter(db: PGlite): Promise<SqlDriverAdapter> {
    const adapter = await new PrismaPGlite(db).connect();
    adapter.executeScript = async (script) => {
      try {
        await db.exec(script);
      } catch (e) {
        throw asDriverAdapterError(e);
      }
    };
    this.adapters.push(adapter);
    return adapter;
  }

  /**
   * `@prisma/adapter-pg` runs a script by splitting it on every `;` (string literals and function
   * bodies included) and sends the pieces one by one. Send it whole, as the native engine does:
   * one simple query, so a migration is atomic too.
   */
  async pgAdapter(url: string, schema: string | undefined): Promise<SqlDriverAdapter> {
    if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
      throw new Error(`unsupported Postgres schema name ${JSON.stringify(schema)}`);
    }
    // One connection: the engine's session-level advisory lock is taken and released on it.
    const config = { connectionString: url, max: 1, ...(schema ? { options: `-c search_path=${schema}` } : {}) };
    const adapter = await new PrismaPg(config, schema ? { schema } : undefined).connect();
    adapter.executeScript = async (script) => {
      try {
        await adapter.underlyingDriver().query(script);
      } catch (e) {
        throw asDriverAdapterError(e);
      }
    };
    this.adapters.push(adapter);
    return adapter;
  }

  factory(
    connect: () => Promise<SqlDriverAdapter>,
    connectToShadowDb: () => Promise<SqlDriverAdapter> = async () => this.pgliteAdapter(await this.freshPglite()),
  ): SqlMigrationAwareDriverAdapterFactory {
    return { provider: 'postgres', adapterName: 'tollgate-migrate', connect, connectToShadowDb };
  }

  async close(): Promise<void> {
    // Best effort: a failure to release must not hide the engine's own error.
    await Promise.allSettled([...this.adapters.splice(0).map((a) => a.dispose()), ...this.scratch.splice(0).map((db) => db.close())]);
  }
}

/** Postgres errors (pg and PGlite share the shape) go through the adapters' error path. */
function asDriverAdapterError(e: unknown): unknown {
  const pgErr = e as { code?: unknown; severity?: unknown; message?: unknown; detail?: string; column?: string; hint?: string };
  if (typeof pgErr?.code !== 'string' || typeof pgErr.message !== 'string') return e;
  return new DriverAdapterError({
    kind: 'postgres',
    code: pgErr.code,
    severity: typeof pgErr.severity === 'string' ? pgErr.severity : 'ERROR',
    message: pgErr.message,
    detail: pgErr.detail,
    column: pgErr.column,
    hint: pgErr.hint,
    originalCode: pgErr.code,
    originalMessage: pgErr.message,
  });
}
