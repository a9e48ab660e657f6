package dev.gradlab.optim.search;

import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.core.model.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link SearchState} as a {@link SafeTensors} file, to the bit: its floats as the tensor
 * {@code floats}, its longs and doubles as decimal lists in {@code __metadata__} (a double's
 * shortest decimal form reads back as the same double), with the metadata's checksum. Written
 * atomically.
 */
public final class SearchStateFile {

    public static final String FILE_NAME = "search.safetensors";
    private static final String FORMAT = "gradlab-search-state";
    private static final String METADATA_CHECKSUM = "metadata_checksum";

    private SearchStateFile() {}

    public static void write(Path file, SearchState state) throws IOException {
        float[] floats = state.floats();
        Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
        tensors.put("floats", new SafeTensors.Entry(new int[] {floats.length}, floats));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("strategy", state.strategy());
        meta.put("dimension", Integer.toString(state.dimension()));
        meta.put(
                "longs",
                join(Arrays.stream(state.longs()).mapToObj(Long::toString).toArray(String[]::new)));
        meta.put(
                "doubles",
                join(Arrays.stream(state.doubles()).mapToObj(Double::toString).toArray(String[]::new)));
        meta.put(METADATA_CHECKSUM, SafeTensors.metadataChecksum(meta));
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * @throws ModelFormatException naming the file and the entry when it is damaged or not a search
     *     state
     */
    public static SearchState read(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file, "a " + FILE_NAME + " written by gradlab train");
        Map<String, String> meta = c.metadata();
        String name = file.toString();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new ModelFormatException(
                    name, 8, "__metadata__ must have format=" + FORMAT + ", got " + meta.get("format"));
        }
        if (!SafeTensors.metadataChecksum(meta).equals(meta.get(METADATA_CHECKSUM))) {
            throw new ModelFormatException(
                    name,
                    8,
                    "metadata checksum mismatch: the entries' " + METADATA_CHECKSUM
                            + " is " + meta.get(METADATA_CHECKSUM) + ", they have " + SafeTensors.metadataChecksum(meta)
                            + "; the file is corrupt");
        }
        SafeTensors.Entry floats = c.tensors().get("floats");
        if (floats == null || c.tensors().size() != 1) {
            throw new ModelFormatException(
                    name,
                    8,
                    "tensors must be exactly 'floats', got " + c.tensors().keySet());
        }
        try {
            String[] l = split(meta.get("longs"));
            String[] d = split(meta.get("doubles"));
            long[] longs = new long[l.length];
            for (int i = 0; i < l.length; i++) {
                longs[i] = Long.parseLong(l[i]);
            }
            double[] doubles = new double[d.length];
            for (int i = 0; i < d.length; i++) {
                doubles[i] = Double.parseDouble(d[i]);
            }
            return new SearchState(
                    meta.get("strategy"), Integer.parseInt(meta.get("dimension")), longs, floats.data(), doubles);
        } catch (NumberFormatException | NullPointerException e) {
            throw new ModelFormatException(
                    name, 8, "__metadata__ must have a strategy, a dimension and lists of longs and doubles: " + e);
        }
    }

    private static String join(String[] values) {
        return String.join(",", values);
    }

    private static String[] split(String list) {
        return list.isEmpty() ? new String[0] : list.split(",", -1);
    }
}
