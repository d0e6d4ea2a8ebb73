package io.agentmatch.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.Timestamps;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/** Realistic-looking profiles (the shape the migrator's generator and the API clients produce), deterministic per seed. */
public final class BenchProfiles {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String[] JOBS = {"Plumber", "Electrician", "Carpenter", "Mechanic", "Doctor", "Painter", "Chef",
            "Lawyer", "Translator", "Gardener", "Math Tutor", "Photographer"};
    static final String[][] TAGS = {{"pipes", "leaks", "drains", "boilers"}, {"wiring", "outlets", "lighting", "fuses"},
            {"cabinets", "furniture", "decks", "doors"}, {"brakes", "engines", "tires", "oil"},
            {"checkups", "fever", "prescriptions", "vaccines"}, {"walls", "murals", "interiors", "varnish"},
            {"cooking", "catering", "baking", "menus"}, {"contracts", "leases", "disputes", "wills"},
            {"german", "french", "documents", "interpreting"}, {"lawns", "hedges", "planting", "trees"},
            {"algebra", "calculus", "exams", "geometry"}, {"weddings", "portraits", "events", "products"}};
    static final String[][] CITIES = {{"Berlin", "Germany"}, {"Paris", "France"}, {"New York", "USA"},
            {"San Francisco", "USA"}, {"Tokyo", "Japan"}, {"London", "UK"}, {"Madrid", "Spain"}};
    static final String[] PHRASES = {"fast and reliable service", "twenty years of experience", "available on weekends",
            "fair prices, no surprises", "certified and insured", "friendly and punctual", "emergency calls welcome"};

    private final SplittableRandom random;

    public BenchProfiles(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The first {@code n} profiles of the sequence of {@code seed}. */
    public static List<ProfileRecord> records(int n, long seed) {
        BenchProfiles gen = new BenchProfiles(seed);
        List<ProfileRecord> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(gen.next());
        }
        return list;
    }

    public ProfileRecord next() {
        String id = new UUID(random.nextLong(), random.nextLong()).toString();
        return new ProfileRecord(id, Timestamps.now(), data(null, null));
    }

    /** A profile body as a client POSTs it; {@code job} and {@code description} override the random ones when given. */
    public ObjectNode data(String job, String description) {
        int j = random.nextInt(JOBS.length);
        String[] city = CITIES[random.nextInt(CITIES.length)];
        ObjectNode data = NODES.objectNode();
        data.put("name", "Agent " + Integer.toHexString(random.nextInt()));
        StringBuilder address = new StringBuilder("0x");
        for (int i = 0; i < 40; i++) {
            address.append(Character.forDigit(random.nextInt(16), 16));
        }
        data.put("address", address.toString());
        data.put("job", job != null ? job : JOBS[j]);
        data.put("averagePrice", BigDecimal.valueOf(2000 + random.nextInt(15000), 2));
        ArrayNode tags = data.putArray("tags");
        int first = random.nextInt(4);
        for (int i = 0; i < 3; i++) {
            tags.add(TAGS[j][(first + i) % 4]);
        }
        ArrayNode location = data.putArray("location");
        location.add(city[0]);
        location.add(city[1]);
        data.put("description", description != null ? description
                : JOBS[j] + " in " + city[0] + ": " + PHRASES[random.nextInt(PHRASES.length)] + ", "
                + TAGS[j][first] + " and " + TAGS[j][(first + 1) % 4] + ".");
        return data;
    }

    /** A request a client might send to /match. */
    public String matchDescription(int i) {
        int j = i % JOBS.length;
        return "I need help with " + TAGS[j][i % 4] + " and " + TAGS[j][(i + 1) % 4] + ", " + PHRASES[i % PHRASES.length]
                + " #" + i;
    }
}
