package dev.gradlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FashionMnistSubsetTest {

    @Test
    void embedsTheFirstThousandTrainingAndTestExamples() {
        DataSplit split = FashionMnist.subset();
        for (Dataset d : new Dataset[] {split.train(), split.test()}) {
            assertEquals(1000, d.size());
            assertEquals(784, d.features());
            assertEquals(10, d.classes());
            assertEquals(1000 * 784, d.images().length);
            int[] perClass = new int[10];
            for (int label : d.labels()) {
                perClass[label]++;
            }
            for (int c = 0; c < 10; c++) {
                assertTrue(perClass[c] > 50, "class " + c + " has " + perClass[c] + " examples");
            }
            float max = 0;
            for (float v : d.images()) {
                assertTrue(v >= 0 && v <= 1, "pixel " + v);
                assertEquals(Math.round(v * 255) / 255f, v);
                max = Math.max(max, v);
            }
            assertEquals(1f, max);
        }
        // The first training image of Fashion-MNIST is an ankle boot (9), the first test image too.
        assertEquals(9, split.train().labels()[0]);
        assertEquals(9, split.test().labels()[0]);
    }

    @Test
    void returnsFreshArraysOnEachCall() {
        assertNotSame(
                FashionMnist.subset().train().images(),
                FashionMnist.subset().train().images());
    }

    @Test
    void checksTheResourcesDigests() {
        DatasetFiles wrong = new DatasetFiles(
                "subset",
                "s",
                FashionMnist.SUBSET.publicBaseUri(),
                null,
                FashionMnist.SUBSET.trainImages(),
                new DatasetFiles.DataFile("train-labels-idx1-ubyte", "00".repeat(32)),
                FashionMnist.SUBSET.testImages(),
                FashionMnist.SUBSET.testLabels());
        DigestMismatchException e = assertThrows(
                DigestMismatchException.class, () -> MnistFormat.loadResources(FashionMnist.SUBSET_RESOURCES, wrong));
        assertEquals(
                "classpath:dev/gradlab/data/fashion-mnist-subset/train-labels-idx1-ubyte.gz: SHA-256 of the IDX content: "
                        + "expected " + "00".repeat(32) + ", actual "
                        + FashionMnist.SUBSET.trainLabels().sha256(),
                e.getMessage());
    }

    @Test
    void shipsTheLicenceNoticeBesideTheData() throws Exception {
        try (var in = getClass().getClassLoader().getResourceAsStream(FashionMnist.SUBSET_RESOURCES + "/LICENSE")) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("Copyright (c) 2017 Zalando SE"));
            assertTrue(text.contains("The MIT License"));
        }
    }

    @Test
    void theTestSetAloneIsTheSplitsTestSet() {
        Dataset whole = FashionMnist.subset().test();
        Dataset alone = FashionMnist.subsetTest();
        assertEquals(whole.size(), alone.size());
        org.junit.jupiter.api.Assertions.assertArrayEquals(whole.images(), alone.images());
        org.junit.jupiter.api.Assertions.assertArrayEquals(whole.labels(), alone.labels());
    }
}
