package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A reference file written by one of core's PyTorch scripts: blocks of {@code name d0 d1 ...} on one
 * line (no dims for rank 0) and the values on the next; lines starting with # are comments.
 */
record ReferenceFile(Map<String, double[]> values, Map<String, int[]> shapes) {

    static ReferenceFile read(String resource) {
        var stream = ReferenceFile.class.getResourceAsStream(resource);
        assertNotNull(stream, resource + " is missing from the test resources");
        Map<String, double[]> values = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.US_ASCII))) {
            String header;
            while ((header = reader.readLine()) != null) {
                if (header.startsWith("#") || header.isBlank()) {
                    continue;
                }
                String[] head = header.trim().split(" ");
                int[] shape = new int[head.length - 1];
                int size = 1;
                for (int i = 1; i < head.length; i++) {
                    shape[i - 1] = Integer.parseInt(head[i]);
                    size *= shape[i - 1];
                }
                String[] text = reader.readLine().trim().split(" ");
                assertEquals(size, text.length, head[0] + ": values against its shape");
                double[] block = new double[size];
                for (int i = 0; i < size; i++) {
                    block[i] = Double.parseDouble(text[i]);
                }
                values.put(head[0], block);
                shapes.put(head[0], shape);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ReferenceFile(values, shapes);
    }

    double[] get(String name) {
        return values.get(name);
    }

    /** Block {@code name} as a float32 tensor of its shape. */
    Tensor tensor(String name) {
        double[] d = values.get(name);
        assertNotNull(d, name + " is missing from the reference file");
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.of(f, shapes.get(name));
    }
}
