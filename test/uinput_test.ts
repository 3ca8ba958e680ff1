/**
 * The uinput and libc bindings through real FFI calls: ioctl on a pipe,
 * errno for a missing device node, and a real device where /dev/uinput is
 * writable.
 */

import assert from "node:assert/strict";
import { lastError, libc } from "../ffi/libc.ts";
import { uinputAvailable, UinputDevice } from "../ffi/uinput.ts";

Deno.test("ioctl through FFI works on a pipe (FIONREAD counts unread bytes)", () => {
  const c = libc();
  const fds = new Int32Array(2);
  try {
    assert.equal(c.pipe(fds), 0);
    const data = new TextEncoder().encode("hello");
    assert.equal(c.write(fds[1]!, data, 5n), 5n);
    const count = new Int32Array(1);
    assert.equal(c.ioctl_ptr(fds[0]!, 0x541bn, /* FIONREAD */ new Uint8Array(count.buffer)), 0);
    assert.equal(count[0], 5);
  } finally {
    c.close(fds[0]!);
    c.close(fds[1]!);
  }
});

Deno.test("uinputAvailable() and UinputDevice.create() explain a missing device with errno", () => {
  const missing = uinputAvailable("/nonexistent/uinput");
  assert.deepEqual(missing, {
    ok: false,
    reason: "Cannot open /nonexistent/uinput: No such file or directory (ENOENT)",
  });
  assert.equal(lastError().errno, 2);
  assert.throws(
    () =>
      UinputDevice.create(
        "x",
        { bustype: 6, vendor: 1, product: 1, version: 1 },
        {},
        "/nonexistent/uinput",
      ),
    {
      message: "Cannot open /nonexistent/uinput: No such file or directory (ENOENT)",
    },
  );
});

const available = uinputAvailable();
Deno.test({
  name: `UinputDevice.create() makes a real device${
    available.ok ? "" : ` (skipped: ${available.reason})`
  }`,
  ignore: !available.ok,
  fn() {
    const device = UinputDevice.create("Skerry Test", {
      bustype: 6,
      vendor: 0x1209,
      product: 1,
      version: 1,
    }, {
      keys: [0x110],
      relative: [0, 1],
    });
    device.emit([[2, 0, 5], [2, 1, -5]]);
    device.close();
  },
});
