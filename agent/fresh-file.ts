/**
 * A file read again whenever it changes: Kubernetes updates mounted Secrets and ConfigMaps by
 * swapping a symlink, so a `stat` of the path (which follows it) sees a new inode or mtime.
 * One `statSync` per use costs microseconds and needs no watcher that could miss the swap.
 */
import * as fs from 'node:fs';

/** A file's content, re-read when its inode, size or mtime changes. */
export class FreshFile<T> {
  private _key?: string;
  private _value?: T;

  constructor(
    /** Absolute path. */
    readonly path: string,
    private readonly _parse: (text: string, path: string) => T,
  ) {}

  /** The current content, or `undefined` when the file does not exist. */
  get(): T | undefined {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.path);
    } catch (e: any) {
      if (e?.code === 'ENOENT') {
        this._key = undefined;
        this._value = undefined;
        return undefined;
      }
      throw e;
    }
    const key = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (key !== this._key) {
      this._value = this._parse(fs.readFileSync(this.path, 'utf8'), this.path);
      this._key = key;
    }
    return this._value;
  }
}
