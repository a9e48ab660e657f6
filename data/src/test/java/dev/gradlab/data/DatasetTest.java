package dev.gradlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Tensor;
import org.junit.jupiter.api.Test;

class DatasetTest {

    @Test
    void exposesLiveArraysAndATensorView() {
        float[] x = {0, 0.5f, 1, 0.25f};
        int[] y = {1, 0};
        Dataset d = new Dataset(x, y, 2, 2);
        assertEquals(2, d.size());
        assertSame(x, d.images());
        assertSame(y, d.labels());
        Tensor t = d.imagesTensor();
        assertArrayEquals(new int[] {2, 2}, t.shape());
        assertSame(x, t.data());
    }

    @Test
    void aSliceCopiesItsRows() {
        float[] x = {0, 0.5f, 1, 0.25f, 0.75f, 0.125f};
        Dataset d = new Dataset(x, new int[] {1, 0, 1}, 2, 2);
        Dataset s = d.slice(1, 3);
        assertArrayEquals(new float[] {1, 0.25f, 0.75f, 0.125f}, s.images());
        assertArrayEquals(new int[] {0, 1}, s.labels());
        assertEquals(2, s.classes());
        s.images()[0] = 9;
        assertEquals(1, x[2]);
        assertEquals(0, d.slice(3, 3).size());
        var e = assertThrows(IllegalArgumentException.class, () -> d.slice(2, 4));
        assertEquals("slice [2, 4) must lie in [0, 3]", e.getMessage());
    }

    @Test
    void rejectsInconsistentArguments() {
        IllegalArgumentException size =
                assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[5], new int[2], 2, 2));
        assertTrue(size.getMessage().contains("images has 5 values, expected 2 labels × 2 features = 4"));
        IllegalArgumentException label =
                assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[4], new int[] {0, 2}, 2, 2));
        assertTrue(label.getMessage().contains("labels[1] must be in [0, 2), actual 2"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new DataSplit(
                        new Dataset(new float[2], new int[1], 2, 2), new Dataset(new float[3], new int[1], 3, 2)));
    }

    @Test
    void rejectsImageFilesOfTheWrongShapeAndLabelsOutOfRange() {
        java.util.Random random = new java.util.Random(5);
        IdxArray images = read("images", IdxBytes.images(random, 2));
        IdxArray labels = read("labels", IdxBytes.labels(random, 2));
        assertEquals(2, MnistFormat.dataset(images, labels).size());

        IdxArray wrongSize = read("small", IdxBytes.idx(new int[] {2, 27, 29}, new byte[2 * 27 * 29]));
        assertEquals(
                "small: dimensions: expected [n, 28, 28], actual [2, 27, 29]",
                assertThrows(IdxFormatException.class, () -> MnistFormat.dataset(wrongSize, labels))
                        .getMessage());
        IdxArray three = read("three", IdxBytes.labels(random, 3));
        assertEquals(
                "three: label count: expected 2 (the image count of images), actual 3",
                assertThrows(IdxFormatException.class, () -> MnistFormat.dataset(images, three))
                        .getMessage());
        IdxArray eleven = read("eleven", IdxBytes.idx(new int[] {2}, new byte[] {3, 11}));
        assertEquals(
                "eleven: label 1 at offset 9: expected a class in 0..9, actual 11",
                assertThrows(IdxFormatException.class, () -> MnistFormat.dataset(images, eleven))
                        .getMessage());
    }

    @Test
    void scalesPixelsByOneOver255() {
        byte[] pixels = new byte[784];
        for (int i = 0; i < 784; i++) {
            pixels[i] = (byte) (i % 256);
        }
        Dataset d = MnistFormat.dataset(
                read("i", IdxBytes.idx(new int[] {1, 28, 28}, pixels)),
                read("l", IdxBytes.idx(new int[] {1}, new byte[] {9})));
        for (int i = 0; i < 784; i++) {
            assertEquals((i % 256) / 255f, d.images()[i]);
        }
        assertEquals(1f, d.images()[255]);
        assertArrayEquals(new int[] {9}, d.labels());
    }

    private static IdxArray read(String name, byte[] bytes) {
        return IdxReader.read(name, new java.io.ByteArrayInputStream(bytes));
    }
}
