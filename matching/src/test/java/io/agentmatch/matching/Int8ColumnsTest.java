package io.agentmatch.matching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Int8ColumnsTest {

    private static Int8Vector random(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Int8Vector.quantize(v, (dim + 3) / 4);
    }

    /** The int dot product of a query with a vector's biased bytes, the slow way. */
    private static int expected(Int8Vector query, Int8Vector vector) {
        int sum = 0;
        for (int d = 0; d < query.values.length; d++) {
            sum += query.values[d] * (vector.values[d] + 128);
        }
        return sum;
    }

    private static Int8Columns filled(List<Int8Vector> vectors, int groups) {
        Int8Columns columns = new Int8Columns(groups);
        columns.ensureCapacity(vectors.size(), 256);
        for (int slot = 0; slot < vectors.size(); slot++) {
            columns.set(slot, vectors.get(slot));
        }
        return columns;
    }

    @ParameterizedTest
    @ValueSource(ints = {384, 1, 5, 130, 768})
    void scanComputesEverySlotsIntDotProduct(int dim) {
        Random random = new Random(dim);
        int groups = (dim + 3) / 4;
        List<Int8Vector> vectors = new ArrayList<>();
        for (int i = 0; i < 1_000 + random.nextInt(300); i++) {
            vectors.add(random(random, dim));
        }
        Int8Columns columns = filled(vectors, groups);
        for (int trial = 0; trial < 5; trial++) {
            Int8Vector query = random(random, dim);
            int[] acc = new int[vectors.size()];
            columns.scan(query.values, acc);
            for (int j = 0; j < acc.length; j++) {
                assertEquals(expected(query, vectors.get(j)), acc[j], "dim " + dim + " slot " + j);
            }
        }
    }

    @Test
    void theModelKernelAndTheGenericKernelAgree() {
        Random random = new Random(3);
        int groups = Int8Columns.MODEL_GROUPS;
        List<Int8Vector> vectors = new ArrayList<>();
        for (int i = 0; i < 777; i++) {
            vectors.add(random(random, 4 * groups));
        }
        int[][] raw = new int[groups][vectors.size()];
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < vectors.size(); j++) {
                raw[g][j] = vectors.get(j).packed(g);
            }
        }
        Int8Vector query = random(random, 4 * groups);
        int[] model = new int[vectors.size()];
        int[] generic = new int[vectors.size()];
        Int8Columns.scanModel(raw, query.values, model);
        Int8Columns.scanGeneric(raw, groups, query.values, generic);
        assertArrayEquals(generic, model);
    }

    @Test
    void theExtremesDoNotOverflow() {
        int groups = Int8Columns.MODEL_GROUPS;
        float[] ones = new float[4 * groups];
        java.util.Arrays.fill(ones, 1f);
        float[] minusOnes = new float[4 * groups];
        java.util.Arrays.fill(minusOnes, -1f);
        Int8Columns columns = filled(List.of(Int8Vector.quantize(ones, groups), Int8Vector.quantize(minusOnes, groups)), groups);
        int[] acc = new int[2];
        columns.scan(Int8Vector.quantize(ones, groups).values, acc);
        assertEquals(4 * groups * 127 * 255, acc[0]);
        assertEquals(4 * groups * 127, acc[1]);
        columns.scan(Int8Vector.quantize(minusOnes, groups).values, acc);
        assertEquals(-4 * groups * 127 * 255, acc[0]);
        assertEquals(-4 * groups * 127, acc[1]);
    }

    @Test
    void scansOnlyTheSlotsTheAccumulatorCovers() {
        Random random = new Random(4);
        List<Int8Vector> vectors = List.of(random(random, 384), random(random, 384), random(random, 384));
        Int8Columns columns = filled(vectors, 96);
        Int8Vector query = random(random, 384);
        int[] acc = new int[2];
        columns.scan(query.values, acc);
        assertEquals(expected(query, vectors.get(0)), acc[0]);
        assertEquals(expected(query, vectors.get(1)), acc[1]);
    }

    @Test
    void copyClearAndGrowKeepTheSlots() {
        Random random = new Random(5);
        Int8Columns columns = new Int8Columns(3);
        columns.ensureCapacity(2, 2);
        assertEquals(2, columns.capacity());
        Int8Vector a = random(random, 10);
        Int8Vector b = random(random, 10);
        columns.set(0, a);
        columns.set(1, b);
        columns.ensureCapacity(3, 2);
        assertEquals(3, columns.capacity()); // grown by half
        columns.copy(1, 2);
        columns.clear(1);
        Int8Vector query = random(random, 10);
        int[] acc = new int[3];
        columns.scan(query.values, acc);
        assertEquals(expected(query, a), acc[0]);
        assertEquals(query.bias, acc[1], "a cleared slot holds biased zeros: only the bias is left");
        assertEquals(expected(query, b), acc[2]);
    }
}
