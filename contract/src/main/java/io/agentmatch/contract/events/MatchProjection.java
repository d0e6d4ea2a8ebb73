package io.agentmatch.contract.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/**
 * One profile as matching sees it: the record on the compacted projection topic, keyed by profile
 * id (a null value removes the profile). The embedding is computed once per distinct
 * {@link #textHash} (model + embedded text), so a replay of unchanged profiles costs no model time.
 *
 * @param embedding L2-normalized vector, little-endian float32, base64 on the wire
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MatchProjection(
        String id,
        String textHash,
        String embedding,
        String name,
        String address,
        String job,
        String city,
        BigDecimal averagePrice,
        List<String> tags,
        String description,
        long version) {

    public static String encode(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    public static float[] decode(String base64) {
        ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] vector = new float[buffer.remaining() / Float.BYTES];
        buffer.asFloatBuffer().get(vector);
        return vector;
    }

    @JsonIgnore
    public float[] vector() {
        return decode(embedding);
    }

    public MatchProjection withEmbedding(String newTextHash, String newEmbedding) {
        return new MatchProjection(id, newTextHash, newEmbedding, name, address, job, city, averagePrice, tags,
                description, version);
    }

    public static byte[] toBytes(MatchProjection projection) {
        return projection == null ? null : JsonCodec.toBytes(projection);
    }

    public static MatchProjection fromBytes(byte[] bytes) throws IOException {
        return bytes == null ? null : JsonCodec.MAPPER.readValue(bytes, MatchProjection.class);
    }
}
