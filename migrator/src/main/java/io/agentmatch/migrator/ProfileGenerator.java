package io.agentmatch.migrator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.Timestamps;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic legacy profiles, deterministic for a seed: uuid4 ids, legacy timestamps with
 * microseconds, the sample's 22 jobs and more, cities with their country or state, prices, per-job
 * tags and descriptions built from templates. A few profiles lack optional fields, as real ones do.
 */
public final class ProfileGenerator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final LocalDateTime EPOCH = LocalDateTime.of(2023, 1, 1, 0, 0);
    private static final long SPAN_SECONDS = 2L * 365 * 24 * 3600;

    /** A job: its title, tag pool, service phrases and the keywords a client would type. */
    record Job(String title, String[] tags, String[] services, int minPrice, int maxPrice) {
    }

    static final List<Job> JOBS = List.of(
            job("Plumber", 30, 180, "plumbing,pipes,leaks,drains,water heaters,bathrooms", "fix leaking pipes,unclog drains,install water heaters,repair bathroom plumbing"),
            job("Electrician", 40, 200, "electrical,wiring,lighting,panels,outlets,ev chargers", "rewire old houses,install lighting,upgrade electrical panels,fix faulty outlets"),
            job("Carpenter", 35, 190, "carpentry,woodwork,furniture,cabinets,decks,doors", "build custom furniture,install kitchen cabinets,repair decks,hang doors"),
            job("Mechanic", 40, 220, "car repair,engines,brakes,diagnostics,oil change,tires", "repair engines,replace brakes,run diagnostics,service cars"),
            job("Painter", 25, 150, "painting,walls,interiors,decorating,exteriors,wallpaper", "paint interiors,refresh exterior walls,hang wallpaper,decorate rooms"),
            job("Doctor", 80, 250, "medicine,health,checkups,family doctor,consultations,prescriptions", "run health checkups,offer family medicine consultations,give second opinions,review prescriptions"),
            job("Data Scientist", 60, 250, "machine learning,python,statistics,data analysis,dashboards,forecasting", "build machine learning models,analyze data,forecast demand,design dashboards"),
            job("Photographer", 50, 240, "photography,portraits,weddings,events,product photos,editing", "shoot weddings,take portraits,cover events,photograph products"),
            job("Lawyer", 90, 250, "law,legal advice,contracts,litigation,immigration,business law", "review contracts,give legal advice,handle litigation,help with immigration"),
            job("Translator", 20, 120, "translation,languages,localization,interpreting,proofreading,subtitles", "translate documents,localize websites,interpret meetings,proofread texts"),
            job("House Cleaner", 15, 80, "cleaning,housekeeping,deep cleaning,laundry,move-out cleaning,organizing", "deep clean homes,do weekly housekeeping,clean after moves,organize closets"),
            job("Graphic Designer", 35, 180, "design,logos,branding,illustration,print,ui design", "design logos,create brand identities,illustrate books,lay out print materials"),
            job("Chef", 40, 220, "cooking,catering,meal prep,cuisine,private dinners,baking", "cook private dinners,cater events,prepare weekly meals,teach cooking"),
            job("Locksmith", 30, 150, "locks,keys,lockouts,security,safes,door locks", "open locked doors,change locks,cut keys,install security locks"),
            job("Math Tutor", 20, 90, "math,tutoring,algebra,calculus,exam prep,statistics", "tutor algebra,prepare students for exams,teach calculus,explain statistics"),
            job("Gardener", 20, 110, "gardening,landscaping,lawn care,pruning,planting,irrigation", "mow lawns,prune trees,plant gardens,install irrigation"),
            job("Personal Trainer", 25, 130, "fitness,training,weight loss,strength,nutrition,coaching", "design training plans,coach strength training,support weight loss,advise on nutrition"),
            job("Music Teacher", 25, 120, "music,piano,guitar,lessons,singing,music theory", "teach piano,give guitar lessons,coach singers,explain music theory"),
            job("Veterinarian", 60, 240, "pets,animals,vaccinations,surgery,checkups,dogs", "vaccinate pets,treat sick animals,perform checkups,care for dogs and cats"),
            job("Real Estate Agent", 80, 250, "real estate,property,rentals,housing,valuations,buying", "sell homes,find rentals,value properties,guide first-time buyers"),
            job("Software Developer", 60, 250, "software,java,web development,apis,cloud,mobile apps", "build web applications,design APIs,migrate systems to the cloud,develop mobile apps"),
            job("Accountant", 50, 220, "accounting,taxes,bookkeeping,payroll,audits,invoicing", "file taxes,keep the books,run payroll,prepare audits"),
            job("Dentist", 70, 250, "dentistry,teeth,cleaning,fillings,whitening,checkups", "clean teeth,fill cavities,whiten teeth,check dental health"),
            job("Architect", 80, 250, "architecture,building design,renovation,permits,3d models,planning", "design houses,plan renovations,prepare permit drawings,model buildings in 3d"),
            job("Roofer", 40, 200, "roofing,roof repair,gutters,shingles,insulation,leaks", "repair roofs,clean gutters,replace shingles,insulate attics"),
            job("Dog Walker", 10, 40, "dogs,pet care,walking,pet sitting,puppies,exercise", "walk dogs,sit pets,care for puppies,exercise energetic dogs"),
            job("Tailor", 20, 120, "alterations,sewing,suits,dresses,repairs,custom clothing", "alter suits,hem trousers,sew custom dresses,repair clothing"),
            job("Yoga Instructor", 20, 100, "yoga,meditation,flexibility,breathing,wellness,pilates", "teach yoga,guide meditation,improve flexibility,run wellness sessions"),
            job("HVAC Technician", 45, 210, "hvac,heating,air conditioning,ventilation,boilers,heat pumps", "service boilers,install air conditioning,repair heat pumps,clean ventilation"),
            job("Interior Designer", 50, 230, "interior design,decor,furniture,lighting,renovation,staging", "design interiors,choose furniture,plan lighting,stage homes for sale"),
            job("Copywriter", 30, 160, "writing,copywriting,content,seo,blogs,marketing", "write website copy,draft blog posts,improve seo,create marketing emails"),
            job("Event Planner", 40, 220, "events,weddings,parties,planning,venues,catering", "plan weddings,organize parties,book venues,coordinate catering"),
            job("Financial Advisor", 70, 250, "finance,investing,retirement,budgeting,insurance,savings", "plan retirement,advise on investments,build budgets,review insurance"),
            job("Video Editor", 35, 180, "video,editing,youtube,color grading,motion graphics,subtitles", "edit videos,grade colors,animate titles,cut youtube content"));

    static final String[][] CITIES = {
            {"San Francisco", "CA"}, {"New York", "NY"}, {"Austin", "TX"}, {"Chicago", "IL"}, {"Miami", "FL"},
            {"Seattle", "WA"}, {"Boston", "MA"}, {"Denver", "CO"}, {"Portland", "OR"}, {"Atlanta", "GA"},
            {"Los Angeles", "CA"}, {"Toronto", "ON"}, {"Vancouver", "BC"}, {"Montréal", "QC"}, {"Sydney", "NSW"},
            {"Melbourne", "VIC"}, {"London", "UK"}, {"Manchester", "UK"}, {"Leeds", "UK"}, {"Dublin", "IE"},
            {"Paris", "FR"}, {"Lyon", "FR"}, {"Berlin", "DE"}, {"München", "DE"}, {"Madrid", "ES"},
            {"Lisbon", "PT"}, {"Rome", "IT"}, {"Amsterdam", "NL"}, {"Zürich", "CH"}, {"Stockholm", "SE"},
            {"Kraków", "PL"}, {"São Paulo", "BR"}, {"Buenos Aires", "AR"}, {"Ciudad de México", "MX"},
            {"Tokyo", "JP"}, {"Seoul", "KR"}, {"Singapore", "SG"}, {"Mumbai", "IN"}, {"Cape Town", "ZA"}};

    static final String[] FIRST = {"Alice", "Bob", "Carla", "David", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas",
            "Kemi", "Liam", "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor",
            "Wen", "Ximena", "Yusuf", "Zoë", "Chloé", "Mateo", "Aiko", "Björn"};
    static final String[] LAST = {"Smith", "Rossi", "Müller", "Garcia", "Nguyen", "Kowalski", "Okafor", "Tanaka",
            "Silva", "Dubois", "Johnson", "Larsen", "Haddad", "Kim", "O'Brien", "Novak", "Costa", "Ivanova", "Patel",
            "Schmidt", "Fernández", "Brown", "Yilmaz", "Andersson"};
    static final String[] CLOSERS = {"Fast response times.", "Free quotes.", "Weekend appointments available.",
            "Fully insured.", "References on request.", "Fluent in English and Spanish.", ""};

    private final SplittableRandom random;

    public ProfileGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private static Job job(String title, int min, int max, String tags, String services) {
        return new Job(title, tags.split(","), services.split(","), min, max);
    }

    public ProfileRecord next() {
        String id = new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
        String timestamp = EPOCH.plusSeconds(random.nextLong(SPAN_SECONDS))
                .plusNanos(random.nextLong(1_000_000) * 1000L).format(Timestamps.FORMAT);
        Job job = JOBS.get(random.nextInt(JOBS.size()));
        String[] city = CITIES[random.nextInt(CITIES.length)];
        ObjectNode data = NODES.objectNode();
        data.put("name", FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)]);
        if (random.nextInt(100) != 0) {
            data.put("address", address());
        }
        data.put("job", job.title());
        if (random.nextInt(50) != 0) {
            int cents = job.minPrice() * 100 + random.nextInt((job.maxPrice() - job.minPrice()) * 100);
            BigDecimal price = BigDecimal.valueOf(cents, 2).stripTrailingZeros();
            // Python floats: 40.0, 175.1, 179.26; every tenth price an int, as some clients send.
            data.set("averagePrice", random.nextInt(10) == 0 ? NODES.numberNode(cents / 100)
                    : NODES.numberNode(price.scale() <= 0 ? price.setScale(1) : price));
        }
        ArrayNode tags = data.putArray("tags");
        for (String tag : pick(job.tags(), 2 + random.nextInt(3))) {
            tags.add(tag);
        }
        int locationKind = random.nextInt(40);
        if (locationKind != 0) {
            ArrayNode location = data.putArray("location");
            if (locationKind != 1) {
                location.add(city[0]);
                location.add(city[1]);
            }
        }
        data.put("description", description(job, city[0]));
        return new ProfileRecord(id, timestamp, data);
    }

    private String address() {
        StringBuilder hex = new StringBuilder("0x");
        for (int i = 0; i < 40; i++) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }

    private List<String> pick(String[] pool, int n) {
        List<String> left = new ArrayList<>(List.of(pool));
        List<String> picked = new ArrayList<>(n);
        for (int i = 0; i < n && !left.isEmpty(); i++) {
            picked.add(left.remove(random.nextInt(left.size())));
        }
        return picked;
    }

    private String description(Job job, String city) {
        String title = job.title();
        String lower = title.toLowerCase(java.util.Locale.ROOT);
        String first = switch (random.nextInt(5)) {
            case 0 -> String.format("%s with %d years of experience.", title, 2 + random.nextInt(25));
            case 1 -> String.format("Friendly %s serving %s and nearby.", lower, city);
            case 2 -> String.format("Certified %s based in %s.", lower, city);
            case 3 -> String.format("Independent %s, available on short notice.", lower);
            default -> String.format("%s offering reliable, transparent pricing.", title);
        };
        List<String> services = pick(job.services(), 2);
        String middle = "I " + services.get(0) + " and " + services.get(1) + ".";
        String closer = CLOSERS[random.nextInt(CLOSERS.length)];
        return closer.isEmpty() ? first + " " + middle : first + " " + middle + " " + closer;
    }
}
