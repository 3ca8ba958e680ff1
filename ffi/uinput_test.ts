import assert from "node:assert/strict";
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
