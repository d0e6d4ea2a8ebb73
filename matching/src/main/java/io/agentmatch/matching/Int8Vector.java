package io.agentmatch.matching;

/**
 * A vector quantized to int8, with what the quantization cost it: the index's one home for the
 * quantizer and for the error bound that keeps its search exact.
 *
 * <p>Quantization: one scale per vector ({@code max |x| / 127}), each dimension rounded to
 * {@code -127..127}, dimensions padded with zeros to a multiple of 4. Stored (see {@link #packed})
 * as 4 biased bytes ({@code v + 128}, unsigned) per int.
 *
 * <p>The bound: write a vector as its dequantized copy plus an error, {@code q = q' + eq},
 * {@code p = p' + ep}. Then {@code q.p = q'.p' + q'.ep + eq.p}, and by Cauchy-Schwarz
 * {@code |q'.ep| <= |q'| |ep|} and {@code |eq.p| <= |eq| |p|}. With {@code |p| <= 1} (the index
 * normalizes every profile) the cosine lies within {@code |q'| |ep| + |eq|} of the int8 score
 * {@code scale_q scale_p (q_int . p_int)}: {@link #upperBound} is that score plus the bound plus
 * {@link #SLACK} for the float rounding of the score itself. The slack is absolute, sized for queries
 * of norm at most 1 (the API's queries are embeddings, of norm 1); {@code Int8VectorTest} checks the
 * bound on such pairs.
 */
final class Int8Vector {
    /** Covers float rounding in the approximate score (whose error bound is ~1e-2). */
    static final float SLACK = 1e-4f;
    /** Four biased zeros: what an empty slot holds. */
    static final int PACKED_ZERO = 0x80808080;

    /** The int8 values, {@code 4 * groups} of them (the padding is zero). */
    final int[] values;
    final float scale;
    /** |dequantized vector|. */
    final float norm;
    /** |vector - dequantized vector|. */
    final float error;
    /** 128 * sum(values): what the other side's biased bytes add to an int dot product with this one. */
    final int bias;

    private Int8Vector(int[] values, float scale, float norm, float error, int bias) {
        this.values = values;
        this.scale = scale;
        this.norm = norm;
        this.error = error;
        this.bias = bias;
    }

    /** Quantizes {@code v} into {@code groups} groups of 4 dimensions ({@code 4 * groups >= v.length}). */
    static Int8Vector quantize(float[] v, int groups) {
        float max = 0f;
        for (float x : v) {
            max = Math.max(max, Math.abs(x));
        }
        float scale = max == 0f ? 1f : max / 127f;
        int[] values = new int[groups * 4];
        double norm = 0;
        double error = 0;
        int sum = 0;
        for (int d = 0; d < v.length; d++) {
            int q = Math.max(-127, Math.min(127, Math.round(v[d] / scale)));
            values[d] = q;
            sum += q;
            double dequantized = (double) q * scale;
            norm += dequantized * dequantized;
            error += (v[d] - dequantized) * (v[d] - dequantized);
        }
        return new Int8Vector(values, scale, (float) Math.sqrt(norm), (float) Math.sqrt(error), 128 * sum);
    }

    /** Dimensions 4g..4g+3 as biased bytes, the first in the lowest byte. */
    int packed(int g) {
        int packed = 0;
        for (int k = 0; k < 4; k++) {
            packed |= (values[4 * g + k] + 128) << (8 * k);
        }
        return packed;
    }

    /**
     * An upper bound of the cosine of this vector with a vector {@code p} of norm at most 1, from
     * {@code biasedDot} (the int dot product of {@link #values} with p's {@link #packed} bytes) and p's
     * {@link #scale} and {@link #error}.
     */
    float upperBound(int biasedDot, float otherScale, float otherError) {
        return scale * otherScale * (biasedDot - bias) + norm * otherError + error + SLACK;
    }
}
