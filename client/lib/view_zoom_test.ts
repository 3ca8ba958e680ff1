import assert from "node:assert/strict";
import { MAX_ZOOM, ViewZoom } from "./view_zoom.ts";

const size = { width: 390, height: 844 };

Deno.test("ViewZoom.pinch() zooms about the midpoint: the point between the fingers stays put", () => {
  const zoom = new ViewZoom();
  zoom.pinch(
    { distance: 100, midX: 200, midY: 400 },
    { distance: 200, midX: 200, midY: 400 },
    size,
  );
  assert.equal(zoom.scale, 2);
  // Content point (200, 400) is still at (200, 400): 200 = x + 200*2.
  assert.deepEqual([zoom.x, zoom.y], [-200, -400]);
  assert.equal(zoom.transform, "translate(-200px, -400px) scale(2)");
});

Deno.test("ViewZoom.pinch() pans with the fingers and never past the picture's edges", () => {
  const zoom = new ViewZoom();
  zoom.pinch(
    { distance: 100, midX: 195, midY: 422 },
    { distance: 300, midX: 195, midY: 422 },
    size,
  );
  zoom.pinch(
    { distance: 300, midX: 195, midY: 422 },
    { distance: 300, midX: 245, midY: 422 },
    size,
  );
  assert.equal(zoom.scale, 3);
  assert.equal(zoom.x, -390 + 50);
  // Far to the right: the left edge of the picture stops at the element's left edge.
  zoom.pinch({ distance: 300, midX: 0, midY: 422 }, { distance: 300, midX: 2000, midY: 422 }, size);
  assert.equal(zoom.x, 0);
  zoom.pinch(
    { distance: 300, midX: 2000, midY: 0 },
    { distance: 300, midX: -2000, midY: -5000 },
    size,
  );
  assert.deepEqual([zoom.x, zoom.y], [390 - 390 * 3, 844 - 844 * 3]);
});

Deno.test("ViewZoom.pinch() stays between 1 and MAX_ZOOM; reset() shows the whole desktop", () => {
  const zoom = new ViewZoom();
  zoom.pinch({ distance: 100, midX: 10, midY: 10 }, { distance: 50, midX: 10, midY: 10 }, size);
  assert.deepEqual([zoom.scale, zoom.x, zoom.y, zoom.transform], [1, 0, 0, ""]);
  zoom.pinch({ distance: 10, midX: 10, midY: 10 }, { distance: 1000, midX: 10, midY: 10 }, size);
  assert.equal(zoom.scale, MAX_ZOOM);
  zoom.reset();
  assert.equal(zoom.transform, "");
});
