import numpy as np
import pytest

from sklvision.datasets import make_shapes, make_shapes_scene


def test_default_objects_are_the_original_eight():
    X, y = make_shapes()
    assert X.shape == (8, 100, 100, 3) and X.dtype == np.float64
    assert [int(t["labels"][0]) for t in y] == list(range(8))
    for t in y:
        np.testing.assert_array_equal(t["boxes"], [[0, 0, 100, 100]])
    # red H: two vertical bars and a cross bar, black elsewhere
    red = X[0]
    np.testing.assert_array_equal(red[30, 30], [1, 0, 0])
    np.testing.assert_array_equal(red[74, 69], [1, 0, 0])
    np.testing.assert_array_equal(red[52, 50], [1, 0, 0])
    np.testing.assert_array_equal(red[40, 50], [0, 0, 0])
    assert red[:30].max() == 0 and red[75:].max() == 0
    assert np.count_nonzero(red[..., 0]) == 45 * 10 * 2 + 5 * 20
    # T green: top bar 8 rows, stem; "|" and "-" sizes; colours
    assert np.count_nonzero(X[2][..., 1]) == 8 * 40 + 37 * 10
    np.testing.assert_array_equal(X[2][31, 31], [0, 1, 0.5])
    assert np.count_nonzero(X[4][..., 1]) == 45 * 10
    assert np.count_nonzero(X[7][..., 0]) == 5 * 20
    np.testing.assert_array_equal(X[3][50, 50], [0.25, 0, 1])


def test_random_draws_noise_and_determinism():
    a, ya = make_shapes(20, noise=0.05, random_state=0, dtype=np.float32)
    b, yb = make_shapes(20, noise=0.05, random_state=0, dtype=np.float32)
    c, _ = make_shapes(20, noise=0.05, random_state=1, dtype=np.float32)
    assert a.dtype == np.float32 and a.shape == (20, 100, 100, 3)
    np.testing.assert_array_equal(a, b)
    assert [t["labels"][0] for t in ya] == [t["labels"][0] for t in yb]
    assert not np.array_equal(a, c)
    assert a.min() >= 0 and a.max() <= 1 and 0 < a[:, :20].max() <= 0.05


def test_custom_objects_and_size():
    X, y = make_shapes(shapes=["-", "T"], colors=[[0, 0, 1], [1, 1, 0]], image_size=50)
    assert X.shape == (2, 50, 50, 3)
    np.testing.assert_array_equal(y[1]["boxes"], [[0, 0, 50, 50]])
    assert np.count_nonzero(X[0][..., 2]) == np.count_nonzero(X[0].sum(-1))
    assert X[0][..., 2].sum() == pytest.approx(10 * 3)  # "-" is 20 x 5 at 100 px


def test_scene_boxes_hold_their_objects():
    X, y = make_shapes_scene(5, random_state=0)
    objects, _ = make_shapes()
    assert X.shape == (5, 300, 300, 3)
    for scene, t in zip(X, y):
        ((x0, y0, x1, y1),) = t["boxes"].astype(int)
        assert (x1 - x0, y1 - y0) == (100, 100)
        np.testing.assert_array_equal(scene[y0:y1, x0:x1], objects[t["labels"][0]])
        rest = scene.copy()
        rest[y0:y1, x0:x1] = 0
        assert rest.max() == 0


def test_scene_deterministic_tight_boxes_and_many_objects():
    a, ya = make_shapes_scene(3, n_objects=3, random_state=5, box="tight")
    b, yb = make_shapes_scene(3, n_objects=3, random_state=5, box="tight")
    np.testing.assert_array_equal(a, b)
    for t, u in zip(ya, yb):
        np.testing.assert_array_equal(t["boxes"], u["boxes"])
    for scene, t in zip(a, ya):
        assert t["boxes"].shape == (3, 4) and t["labels"].shape == (3,)
        lit = np.argwhere(scene.sum(-1) > 0)
        # every lit pixel is inside some tight box, every box edge touches one
        for r, c in lit[:: max(len(lit) // 200, 1)]:
            assert any(b[0] <= c < b[2] and b[1] <= r < b[3] for b in t["boxes"])
        for x0, y0, x1, y1 in t["boxes"].astype(int):
            patch = scene[y0:y1, x0:x1].sum(-1) > 0
            assert patch[0].any() and patch[-1].any()
            assert patch[:, 0].any() and patch[:, -1].any()


def test_scene_options_and_errors():
    X, y = make_shapes_scene(
        2, scene_size=(120, 250), n_objects=2, dtype=np.float32, random_state=0
    )
    assert X.shape == (2, 120, 250, 3) and X.dtype == np.float32
    for t in y:  # patches do not overlap
        (a, b) = t["boxes"]
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    with pytest.raises(ValueError, match="non-overlapping"):
        make_shapes_scene(scene_size=150, n_objects=3, random_state=0)
    with pytest.raises(ValueError, match="smaller than image_size"):
        make_shapes_scene(scene_size=50)
    with pytest.raises(ValueError, match="box"):
        make_shapes_scene(box="loose")
    with pytest.raises(ValueError, match="Unknown shape"):
        make_shapes(shapes=["X"], colors=[[1, 1, 1]])
    with pytest.raises(ValueError, match="both shapes and colors"):
        make_shapes(shapes=["H"])
    with pytest.raises(ValueError, match="colors"):
        make_shapes(shapes=["H"], colors=[[2, 0, 0]])
    with pytest.raises(TypeError, match="n_samples"):
        make_shapes_scene(n_samples=1.5)
