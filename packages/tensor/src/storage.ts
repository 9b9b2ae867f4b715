import type { Backend, DType } from '@kindling/ops';

/**
 * A backend buffer shared by a tensor and its views, with PyTorch's version counter (bumped by
 * every in-place write, so autograd can refuse a saved value that changed) and a reference count
 * for explicit disposal.
 */
export class Storage {
  version = 0;
  refs = 0;
  disposed = false;

  constructor(
    readonly backend: Backend,
    readonly buffer: unknown,
    readonly dtype: DType,
    readonly size: number,
  ) {}

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs <= 0 && !this.disposed) {
      this.disposed = true;
      this.backend.free(this.buffer);
    }
  }
}

/** Frees storages of tensors that were dropped without dispose() (the GC backstop). */
export const storageFinalizer =
  typeof FinalizationRegistry === 'undefined'
    ? null
    : new FinalizationRegistry<Storage>((s) => {
        s.release();
      });
