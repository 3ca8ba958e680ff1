import assert from "node:assert/strict";
import { lastError, libc } from "./libc.ts";
import {
  ioc,
  UI_ABS_SETUP,
  UI_DEV_CREATE,
  UI_DEV_DESTROY,
  UI_DEV_SETUP,
  UI_SET_ABSBIT,
  UI_SET_EVBIT,
  UI_SET_KEYBIT,
  UI_SET_RELBIT,
  uinputAvailable,
  UinputDevice,
} from "./uinput.ts";

Deno.test("uinput ioctl numbers match linux/uinput.h on this ABI", () => {
  assert.equal(UI_DEV_CREATE, 0x5501n);
  assert.equal(UI_DEV_DESTROY, 0x5502n);
  assert.equal(UI_DEV_SETUP, 0x405c5503n);
  assert.equal(UI_ABS_SETUP, 0x401c5504n);
  assert.equal(UI_SET_EVBIT, 0x40045564n);
  assert.equal(UI_SET_KEYBIT, 0x40045565n);
  assert.equal(UI_SET_RELBIT, 0x40045566n);
  assert.equal(UI_SET_ABSBIT, 0x40045567n);
  assert.equal(ioc(2, 0x54, 0x1b, 4), 0x8004541bn); // _IOR('T', 0x1b, int): FIONREAD is 0x541b, no dir
});

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
