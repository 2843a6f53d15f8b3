package io.github.factorytwin.evaluation.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One NAB application profile: the weights of a true positive, a false negative and a false
 * positive (NAB's {@code config/profiles.json} "CostMatrix").
 */
public record NabProfile(String name, double tpWeight, double fnWeight, double fpWeight) {

    /** NAB's three profiles, in the order NAB reports them. */
    public static final List<String> NAMES = List.of("standard", "reward_low_FP_rate", "reward_low_FN_rate");

    /** Reads the profiles from NAB's {@code config/profiles.json}, in the order of {@link #NAMES}. */
    public static List<NabProfile> load(Path profilesJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(profilesJson.toFile());
        List<NabProfile> profiles = new ArrayList<>();
        for (String name : NAMES) {
            JsonNode cost = root.path(name).path("CostMatrix");
            if (cost.isMissingNode()) {
                throw new IOException("profile " + name + " missing in " + profilesJson);
            }
            profiles.add(new NabProfile(
                    name,
                    cost.get("tpWeight").asDouble(),
                    cost.get("fnWeight").asDouble(),
                    cost.get("fpWeight").asDouble()));
        }
        return profiles;
    }
}
