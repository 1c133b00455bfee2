package io.openautoglm.graph.fraud;

import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.data.GraphEdge;
import io.openautoglm.graph.data.GraphNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic but realistic financial transaction graph: accounts, devices, IPs and merchants
 * joined by five relations (transfer, login, device, ip, profile_change). About 2% of accounts
 * form fraud rings of 4-8 that share one or two devices and proxy IPs, change profiles from the
 * shared devices and move money around a cycle before cashing out at one merchant. Honest accounts
 * share devices within households and IPs at public hotspots, so sharing alone is not guilt. Each
 * account has eight behavioural features on which fraud differs only faintly; labels carry noise
 * (some fraud never caught, a few honest accounts flagged). Labels are "1" (fraud) and "0".
 */
public final class FraudGraphGenerator {
    public static final List<String> FEATURE_NAMES = List.of("log_account_age_days", "log_tx_count", "log_avg_amount",
            "night_ratio", "new_device_logins", "email_risk", "kyc_level", "country_mismatch");

    /** The generated graph, and how many accounts are fraud in truth and by (noisy) label. */
    public record FraudGraph(List<GraphNode> nodes, List<GraphEdge> edges, int trueFraud, int labelledFraud) {}

    private final int accounts;
    private final Random random;
    private final double fraudShare;
    private final double missedFraud;
    private final double falseFlags;

    public FraudGraphGenerator(int accounts, long seed) {
        if (accounts < 200) {
            throw new UserInputException("--accounts must be at least 200 (rings of 4-8 need room at 2% fraud), got " + accounts);
        }
        this.accounts = accounts;
        this.random = new Random(seed);
        this.fraudShare = 0.02;
        this.missedFraud = 0.10;
        this.falseFlags = 0.002;
    }

    public FraudGraph generate() {
        List<GraphNode> nodes = new ArrayList<>();
        List<GraphEdge> edges = new ArrayList<>();
        int devices = 0;
        int ips = accounts / 2;
        int hotspots = Math.max(5, accounts / 250);
        int merchants = Math.max(10, accounts / 50);
        boolean[] fraud = new boolean[accounts];
        int[] ring = new int[accounts];
        java.util.Arrays.fill(ring, -1);
        // Rings take the first fraud share of a shuffled order of accounts.
        int[] order = shuffled(accounts);
        int target = (int) Math.round(fraudShare * accounts);
        int rings = 0;
        List<int[]> ringMembers = new ArrayList<>();
        for (int placed = 0; placed < target; ) {
            int size = Math.min(4 + random.nextInt(5), target - placed);
            if (size < 3) {
                break;
            }
            int[] members = new int[size];
            for (int m = 0; m < size; m++) {
                members[m] = order[placed + m];
                fraud[members[m]] = true;
                ring[members[m]] = rings;
            }
            ringMembers.add(members);
            placed += size;
            rings++;
        }
        // Devices: households of 2-3 honest accounts share one; everyone else has one or two of their own.
        int[] primaryDevice = new int[accounts];
        java.util.Arrays.fill(primaryDevice, -1);
        int[] homeIp = new int[accounts];
        for (int a : shuffled(accounts)) {
            if (primaryDevice[a] >= 0) {
                continue;
            }
            int device = devices++;
            int ip = random.nextInt(ips);
            primaryDevice[a] = device;
            homeIp[a] = ip;
            if (!fraud[a] && random.nextDouble() < 0.15) {
                int extra = 1 + random.nextInt(2);
                for (int k = 0; k < extra; k++) {
                    int other = random.nextInt(accounts);
                    if (!fraud[other] && primaryDevice[other] < 0) {
                        primaryDevice[other] = device;
                        homeIp[other] = ip;
                    }
                }
            }
        }
        for (int a = 0; a < accounts; a++) {
            edges.add(edge(account(a), device(primaryDevice[a]), "device"));
            edges.add(edge(account(a), ip(homeIp[a]), "login"));
            edges.add(edge(device(primaryDevice[a]), ip(homeIp[a]), "ip"));
            if (random.nextDouble() < 0.3) { // a phone as well
                int phone = devices++;
                edges.add(edge(account(a), device(phone), "device"));
                edges.add(edge(device(phone), ip(homeIp[a]), "ip"));
            }
            if (random.nextDouble() < 0.12) { // public hotspot logins
                int h = ips + random.nextInt(hotspots);
                edges.add(edge(account(a), ip(h), "login"));
            }
            if (!fraud[a] && random.nextDouble() < 0.08) {
                edges.add(edge(account(a), device(primaryDevice[a]), "profile_change"));
            }
        }
        // Rings: shared devices and proxy IPs, profile changes from them, money around a cycle, one cash-out merchant.
        for (int[] members : ringMembers) {
            int sharedDevices = 1 + random.nextInt(2);
            int sharedIps = 1 + random.nextInt(2);
            int[] ringDevice = new int[sharedDevices];
            int[] ringIp = new int[sharedIps];
            for (int d = 0; d < sharedDevices; d++) {
                ringDevice[d] = devices++;
            }
            for (int p = 0; p < sharedIps; p++) {
                ringIp[p] = random.nextInt(ips); // a rented proxy looks like a home line
            }
            for (int d : ringDevice) {
                for (int p : ringIp) {
                    edges.add(edge(device(d), ip(p), "ip"));
                }
            }
            int cashOut = random.nextInt(merchants);
            for (int m = 0; m < members.length; m++) {
                int a = members[m];
                // Not every member touches every shared thing: rings are careless, not uniform.
                for (int d : ringDevice) {
                    if (random.nextDouble() < 0.75) {
                        edges.add(edge(account(a), device(d), "device"));
                        if (random.nextDouble() < 0.6) {
                            edges.add(edge(account(a), device(d), "profile_change"));
                        }
                    }
                }
                for (int p : ringIp) {
                    if (random.nextDouble() < 0.75) {
                        edges.add(edge(account(a), ip(p), "login"));
                    }
                }
                edges.add(edge(account(a), account(members[(m + 1) % members.length]), "transfer"));
                if (random.nextDouble() < 0.5) {
                    edges.add(edge(account(a), merchant(cashOut), "transfer"));
                }
            }
        }
        // Everyday money: transfers to other accounts (friends, rent) and payments to merchants.
        for (int a = 0; a < accounts; a++) {
            int friends = poisson(fraud[a] ? 1.0 : 2.0);
            for (int k = 0; k < friends; k++) {
                int b = random.nextInt(accounts);
                if (b != a) {
                    edges.add(edge(account(a), account(b), "transfer"));
                }
            }
            int payments = poisson(3.0);
            for (int k = 0; k < payments; k++) {
                edges.add(edge(account(a), merchant(random.nextInt(merchants)), "transfer"));
            }
        }
        int labelledFraud = 0;
        for (int a = 0; a < accounts; a++) {
            boolean flagged = fraud[a] ? random.nextDouble() >= missedFraud : random.nextDouble() < falseFlags;
            labelledFraud += flagged ? 1 : 0;
            double u = random.nextDouble();
            GraphNode.Split split = u < 0.6 ? GraphNode.Split.TRAIN : u < 0.8 ? GraphNode.Split.VAL : GraphNode.Split.TEST;
            nodes.add(new GraphNode(account(a), "account", accountFeatures(fraud[a]), null, null, flagged ? "1" : "0", split));
        }
        for (int d = 0; d < devices; d++) {
            nodes.add(new GraphNode(device(d), "device", null, null, null, null, null));
        }
        for (int p = 0; p < ips + hotspots; p++) {
            nodes.add(new GraphNode(ip(p), "ip", null, null, null, null, null));
        }
        for (int m = 0; m < merchants; m++) {
            nodes.add(new GraphNode(merchant(m), "merchant", null, null, null, null, null));
        }
        int trueFraud = 0;
        for (boolean f : fraud) {
            trueFraud += f ? 1 : 0;
        }
        return new FraudGraph(nodes, edges, trueFraud, labelledFraud);
    }

    /** Behaviour with heavy overlap: fraud is younger, busier at night, riskier e-mail, each by a fraction of a deviation. */
    private float[] accountFeatures(boolean fraud) {
        double s = fraud ? 1 : 0;
        return new float[] {
            (float) (6.0 - 0.3 * s + 1.0 * random.nextGaussian()),
            (float) (3.0 + 0.1 * s + 0.8 * random.nextGaussian()),
            (float) (4.0 + 0.2 * s + 1.0 * random.nextGaussian()),
            (float) clamp(0.2 + 0.05 * s + 0.12 * random.nextGaussian()),
            (float) poisson(0.5 + 0.3 * s),
            (float) clamp(0.3 + 0.06 * s + 0.2 * random.nextGaussian()),
            (float) (random.nextDouble() < 0.6 - 0.1 * s ? 2 : 1),
            (float) (random.nextDouble() < 0.05 + 0.03 * s ? 1 : 0)
        };
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private int poisson(double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = random.nextDouble();
        while (p > l) {
            k++;
            p *= random.nextDouble();
        }
        return k;
    }

    private int[] shuffled(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private static GraphEdge edge(String source, String target, String relation) {
        return new GraphEdge(source, target, relation, 1f, null);
    }

    private static String account(int i) {
        return "acct-" + i;
    }

    private static String device(int i) {
        return "dev-" + i;
    }

    private static String ip(int i) {
        return "ip-" + i;
    }

    private static String merchant(int i) {
        return "merch-" + i;
    }
}
