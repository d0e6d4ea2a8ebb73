package io.agentmatch.matching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Int8VectorTest {

    /** Vectors of several shapes, since the quantization error depends on the shape, not only the size. */
    private static float[] vector(Random random, int dim, int shape) {
        float[] v = new float[dim];
        switch (shape) {
            case 0 -> { // gaussian: what an embedding looks like
                for (int i = 0; i < dim; i++) {
                    v[i] = (float) random.nextGaussian();
                }
            }
            case 1 -> { // sparse: a few large components, the rest exactly zero
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    v[random.nextInt(dim)] = (float) random.nextGaussian();
                }
            }
            case 2 -> { // one dominant component: the scale is set by it, the rest round coarsely
                for (int i = 0; i < dim; i++) {
                    v[i] = (float) (0.01 * random.nextGaussian());
                }
                v[random.nextInt(dim)] = 1f;
            }
            default -> { // uniform
                for (int i = 0; i < dim; i++) {
                    v[i] = random.nextFloat() * 2 - 1;
                }
            }
        }
        return v;
    }

    /** p close to q: the pairs whose cosine decides the top of a search. */
    private static float[] near(Random random, float[] q, double noise) {
        float[] p = q.clone();
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (noise * random.nextGaussian());
        }
        return p;
    }

    private static int biasedDot(Int8Vector q, Int8Vector p, int groups) {
        int sum = 0;
        for (int g = 0; g < groups; g++) {
            int packed = p.packed(g);
            for (int k = 0; k < 4; k++) {
                sum += q.values[4 * g + k] * ((packed >>> (8 * k)) & 0xFF);
            }
        }
        return sum;
    }

    private static double exactDot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {384, 1, 7, 130})
    void theCosineLiesWithinTheBoundOfTheInt8Score(int dim) {
        Random random = new Random(dim);
        int groups = (dim + 3) / 4;
        double widest = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            // Queries and profiles of norm 1 as the API's embeddings are, some queries shorter.
            float[] query = Vectors.normalize(vector(random, dim, trial % 4));
            float[] profile = Vectors.normalize(trial % 3 == 0 ? near(random, query, 0.05) : vector(random, dim, (trial / 4) % 4));
            if (trial % 5 == 0) {
                float factor = (float) Math.exp(-4 * Math.abs(random.nextGaussian()));
                for (int i = 0; i < dim; i++) {
                    query[i] *= factor;
                }
            }
            Int8Vector q = Int8Vector.quantize(query, groups);
            Int8Vector p = Int8Vector.quantize(profile, groups);
            float upper = q.upperBound(biasedDot(q, p, groups), p.scale, p.error);
            float halfWidth = q.norm * p.error + q.error + Int8Vector.SLACK;
            double cosine = exactDot(query, profile);
            String where = "dim " + dim + " trial " + trial;
            assertTrue(cosine <= upper, where + ": cosine " + cosine + " above the bound " + upper);
            assertTrue(cosine >= upper - 2 * halfWidth, where + ": cosine " + cosine + " below " + (upper - 2 * halfWidth));
            // The index compares the bound with the float32 cosine it computes.
            assertTrue(Vectors.dot(query, profile) <= upper, where + ": float cosine above the bound");
            if (dim == 384 && trial % 16 == 0 && trial % 5 != 0) { // gaussian query and profile of norm 1
                widest = Math.max(widest, q.norm * p.error + q.error);
            }
        }
        if (dim == 384) {
            // Tight enough to prune: ~1e-2 for embeddings.
            assertTrue(widest < 0.03, "bound half-width up to " + widest);
        }
    }

    @Test
    void quantizationKeepsTheScaleAndMeasuresItsError() {
        Random random = new Random(5);
        float[] v = vector(random, 10, 0);
        Int8Vector q = Int8Vector.quantize(v, 3);
        assertEquals(12, q.values.length);
        assertEquals(0, q.values[10]);
        assertEquals(0, q.values[11]);
        int largest = 0;
        double norm = 0;
        double error = 0;
        int sum = 0;
        for (int d = 0; d < v.length; d++) {
            assertTrue(Math.abs(q.values[d]) <= 127);
            largest = Math.max(largest, Math.abs(q.values[d]));
            double dequantized = (double) q.values[d] * q.scale;
            assertTrue(Math.abs(v[d] - dequantized) <= q.scale / 2 * 1.0001, "dimension " + d + " rounded to nearest");
            norm += dequantized * dequantized;
            error += (v[d] - dequantized) * (v[d] - dequantized);
            sum += q.values[d];
        }
        assertEquals(127, largest, "the largest component uses the full range");
        assertEquals(Math.sqrt(norm), q.norm, 1e-6);
        assertEquals(Math.sqrt(error), q.error, 1e-6);
        assertEquals(128 * sum, q.bias);
    }

    @Test
    void packsBiasedBytesLowestDimensionFirst() {
        Int8Vector q = Int8Vector.quantize(new float[] {1f, -1f, 0f, 0.6f, -0.25f}, 2);
        assertArrayEquals(new int[] {127, -127, 0, 76, -32, 0, 0, 0}, q.values);
        assertEquals((127 + 128) | (1 << 8) | (128 << 16) | ((76 + 128) << 24), q.packed(0));
        assertEquals((-32 + 128) | (128 << 8) | (128 << 16) | (128 << 24), q.packed(1));
        assertEquals(Int8Vector.PACKED_ZERO, Int8Vector.quantize(new float[4], 1).packed(0));
    }

    @Test
    void aZeroVectorIsExactAndBoundsEverythingBySlack() {
        Int8Vector zero = Int8Vector.quantize(new float[8], 2);
        assertEquals(1f, zero.scale);
        assertEquals(0f, zero.norm);
        assertEquals(0f, zero.error);
        assertEquals(0, zero.bias);
        Int8Vector p = Int8Vector.quantize(Vectors.normalize(vector(new Random(1), 8, 0)), 2);
        assertEquals(Int8Vector.SLACK, zero.upperBound(biasedDot(zero, p, 2), p.scale, p.error));
    }

    @Test
    void aOneHotVectorIsQuantizedAlmostWithoutError() {
        float[] v = new float[384];
        v[17] = 1f;
        Int8Vector q = Int8Vector.quantize(v, 96);
        assertEquals(0f, q.error, 1e-8);
        assertEquals(1f, q.norm, 1e-6);
        assertEquals(127, q.values[17]);
    }
}
