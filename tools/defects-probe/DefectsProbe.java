// Measurement harness for docs/defects.md ("Why the memory bank misses"): memory-bank variants on a set from
// `autoglm data defects`, image AUROC per category and per defect type, one idea at a time. Not part of the build.
// Run (after ./mvnw -o -q -pl autoglm-defects -am test-compile -Dmdep.outputFile=/tmp/cp.txt dependency:build-classpath):
//   javac -d /tmp/probe -cp autoglm-defects/target/classes:$(cat /tmp/cp.txt) tools/defects-probe/DefectsProbe.java
//   java -cp /tmp/probe:autoglm-defects/target/classes:$(cat /tmp/cp.txt) DefectsProbe SET models/autoglm-shapes-tiny tiles2,tiles2-raw "L=0,2 agg=1;L=3 agg=1 bank=pos1 norm=1"
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.clip.ClipImageProcessor;
import io.openautoglm.defects.DefectManifest;
import io.openautoglm.defects.FlatField;
import io.openautoglm.defects.RankMetrics;
import java.nio.file.Path;
import java.util.*;

/** Measurement harness: memory-bank variants on a generated set, per category, one idea at a time. */
public class DefectsProbe {
    static MultimodalModel model;
    static ClipImageProcessor proc;
    static NDManager nd = NDManager.newBaseManager();
    static List<DefectManifest.Item> train, test;

    // per picture: per hidden index, G*G*D raw tokens
    record Pic(DefectManifest.Item item, float[][] states, int g) {}

    public static void main(String[] a) throws Exception {
        Path set = Path.of(a[0]);
        model = MultimodalModel.load(Path.of(a[1]));
        proc = model.imageProcessor();
        train = DefectManifest.read(set.resolve("train.jsonl"), "train", "fit").stream().filter(i -> !i.defect()).toList();
        test = DefectManifest.read(set.resolve("test.jsonl"), "test", "eval");
        String[] modes = a[2].split(",");
        for (String mode : modes) {
            boolean flat = !mode.endsWith("-raw");
            String m = mode.replace("-raw", "");
            long t0 = System.currentTimeMillis();
            List<Pic> tr = extract(train, m, flat);
            List<Pic> te = extract(test, m, flat);
            System.out.printf("# mode %s flat=%s  extract %.1f s%n", m, flat, (System.currentTimeMillis() - t0) / 1000.0);
            for (String v : a[3].split(";")) {
                report(mode + " " + v, tr, te, v);
            }
        }
        System.exit(0);
    }

    static List<Pic> extract(List<DefectManifest.Item> items, String mode, boolean flat) {
        int s = proc.config().imageSize();
        int per = 3 * s * s;
        int tg = 8;
        List<Pic> out = new ArrayList<>();
        for (DefectManifest.Item it : items) {
            RgbImage img = model.imageLoader().load(it.image());
            if (flat) img = FlatField.correct(img);
            List<int[]> boxes = new ArrayList<>(); // x0, y0, side, gx0, gy0
            int g;
            if (mode.equals("resize")) {
                boxes.add(new int[] {0, 0, img.width(), 0, 0});
                g = tg;
            } else if (mode.startsWith("tiles")) {
                int t = Integer.parseInt(mode.substring(5));
                int side = img.width() / t;
                for (int ty = 0; ty < t; ty++) for (int tx = 0; tx < t; tx++) boxes.add(new int[] {tx * side, ty * side, side, tx * tg, ty * tg});
                g = tg * t;
            } else { // overlapN: N x N crops of 64 px at stride (W-64)/(N-1), token grid at 8 px
                int n = Integer.parseInt(mode.substring(7));
                int stride = (img.width() - s) / (n - 1);
                for (int ty = 0; ty < n; ty++) for (int tx = 0; tx < n; tx++) boxes.add(new int[] {tx * stride, ty * stride, s, tx * stride / 8, ty * stride / 8});
                g = img.width() / 8;
            }
            float[] x = new float[boxes.size() * per];
            for (int b = 0; b < boxes.size(); b++) {
                int[] bx = boxes.get(b);
                System.arraycopy(proc.preprocess(crop(img, bx[0], bx[1], bx[2])), 0, x, b * per, per);
            }
            float[][] states;
            try (NDManager sc = model.manager().newSubManager()) {
                List<NDArray> hs = model.network().imageHiddenStates(new ParameterStore(sc, false), sc.create(x, new Shape(boxes.size(), 3, s, s)));
                states = new float[hs.size()][];
                for (int l = 0; l < hs.size(); l++) {
                    float[] t = hs.get(l).get(":, 1:, :").toFloatArray(); // (V, 64, D)
                    int d = (int) hs.get(l).getShape().get(2);
                    float[] grid = new float[g * g * d];
                    float[] cnt = new float[g * g];
                    for (int b = 0; b < boxes.size(); b++) {
                        int[] bx = boxes.get(b);
                        for (int k = 0; k < tg * tg; k++) {
                            int gx = bx[3] + k % tg, gy = bx[4] + k / tg;
                            int pos = gy * g + gx;
                            cnt[pos]++;
                            for (int j = 0; j < d; j++) grid[pos * d + j] += t[(b * tg * tg + k) * d + j];
                        }
                    }
                    for (int pos = 0; pos < g * g; pos++) for (int j = 0; j < d; j++) grid[pos * d + j] /= cnt[pos];
                    states[l] = grid;
                }
            }
            out.add(new Pic(it, states, g));
        }
        return out;
    }

    static RgbImage crop(RgbImage image, int x0, int y0, int side) {
        byte[] rgb = new byte[side * side * 3];
        for (int y = 0; y < side; y++) System.arraycopy(image.rgb(), ((y0 + y) * image.width() + x0) * 3, rgb, y * side * 3, side * 3);
        return new RgbImage(side, side, rgb);
    }

    /** Variant: "L=0,2 agg=1 bank=global|pos1 norm=0|1 score=max|smax|top" */
    static void report(String name, List<Pic> tr, List<Pic> te, String v) {
        Map<String, String> o = new HashMap<>();
        for (String kv : v.trim().split("\\s+")) {
            String[] p = kv.split("=");
            o.put(p[0], p[1]);
        }
        int[] layers = Arrays.stream(o.getOrDefault("L", "0,2").split(",")).mapToInt(Integer::parseInt).toArray();
        int agg = Integer.parseInt(o.getOrDefault("agg", "1"));
        String bank = o.getOrDefault("bank", "global");
        boolean norm = o.getOrDefault("norm", "0").equals("1");
        String score = o.getOrDefault("score", "max");
        int knn = Integer.parseInt(o.getOrDefault("k", "1"));
        Map<String, Double> perCat = new TreeMap<>();
        Map<String, double[]> perType = new TreeMap<>();
        TreeSet<String> cats = new TreeSet<>();
        te.forEach(p -> cats.add(p.item().category()));
        for (String c : cats) {
            List<float[][]> goods = tr.stream().filter(p -> p.item().category().equals(c)).map(p -> feats(p, layers, agg)).toList();
            List<Pic> tes = te.stream().filter(p -> p.item().category().equals(c)).toList();
            int g = tr.get(0).g();
            int n = g * g;
            int d = goods.get(0)[0].length;
            float[][] mean = null, std = null;
            if (norm) { // per-position mean and spread of the good features
                mean = new float[n][d];
                std = new float[n][d];
                for (float[][] f : goods) for (int p = 0; p < n; p++) for (int j = 0; j < d; j++) mean[p][j] += f[p][j] / goods.size();
                for (float[][] f : goods) for (int p = 0; p < n; p++) for (int j = 0; j < d; j++) std[p][j] += (f[p][j] - mean[p][j]) * (f[p][j] - mean[p][j]) / goods.size();
                for (int p = 0; p < n; p++) for (int j = 0; j < d; j++) std[p][j] = (float) Math.sqrt(std[p][j] + 1e-4);
                List<float[][]> ng = new ArrayList<>();
                for (float[][] f : goods) ng.add(standardize(f, mean, std));
                goods = ng;
            }
            double[] scores = new double[tes.size()];
            boolean[] pos = new boolean[tes.size()];
            NDArray bankT = null;
            if (bank.equals("global")) {
                float[] flat = new float[goods.size() * n * d];
                int r = 0;
                for (float[][] f : goods) for (float[] row : f) System.arraycopy(row, 0, flat, r++ * d, d);
                bankT = nd.create(flat, new Shape(goods.size() * n, d)).transpose();
            }
            for (int i = 0; i < tes.size(); i++) {
                float[][] f = feats(tes.get(i), layers, agg);
                if (norm) f = standardize(f, mean, std);
                float[] map = new float[n];
                if (bankT != null) {
                    float[] flat = new float[n * d];
                    for (int p = 0; p < n; p++) System.arraycopy(f[p], 0, flat, p * d, d);
                    try (NDManager sc = nd.newSubManager()) {
                        NDArray q = sc.create(flat, new Shape(n, d));
                        NDArray qq = q.mul(q).sum(new int[] {1}, true); // (N,1)
                        NDArray bb = bankT.mul(bankT).sum(new int[] {0}, true); // (1,M)
                        NDArray dist = qq.add(bb).sub(q.matMul(bankT).mul(2)).maximum(0); // (N, M)
                        NDArray best = knn == 1 ? dist.min(new int[] {1}) : dist.neg().topK(knn, 1).get(0).neg().mean(new int[] {1});
                        map = best.sqrt().toFloatArray();
                    }
                } else { // positional: nearest among good patches within radius R of the same position
                    int rad = Integer.parseInt(bank.substring(3));
                    for (int p = 0; p < n; p++) {
                        int px = p % g, py = p / g;
                        double bestD = Double.MAX_VALUE;
                        for (float[][] gf : goods) for (int dy = -rad; dy <= rad; dy++) for (int dx = -rad; dx <= rad; dx++) {
                            int xx = px + dx, yy = py + dy;
                            if (xx < 0 || yy < 0 || xx >= g || yy >= g) continue;
                            float[] b = gf[yy * g + xx];
                            double s = 0;
                            for (int j = 0; j < d; j++) { double e = f[p][j] - b[j]; s += e * e; }
                            bestD = Math.min(bestD, s);
                        }
                        map[p] = (float) Math.sqrt(bestD);
                    }
                }
                scores[i] = score(map, g, score);
                pos[i] = tes.get(i).item().defect();
            }
            if (bankT != null) bankT.close();
            perCat.put(c, RankMetrics.auroc(scores, pos));
            // per defect type: each type's pictures against the category's goods
            for (String t : tes.stream().filter(p -> p.item().defect()).map(p -> p.item().label()).distinct().toList()) {
                List<Double> s2 = new ArrayList<>();
                List<Boolean> p2 = new ArrayList<>();
                for (int i = 0; i < tes.size(); i++) {
                    if (!tes.get(i).item().defect() || tes.get(i).item().label().equals(t)) { s2.add(scores[i]); p2.add(pos[i]); }
                }
                double[] ss = s2.stream().mapToDouble(Double::doubleValue).toArray();
                boolean[] pp = new boolean[p2.size()];
                for (int i = 0; i < pp.length; i++) pp[i] = p2.get(i);
                double[] acc = perType.computeIfAbsent(t, k -> new double[2]);
                acc[0] += RankMetrics.auroc(ss, pp);
                acc[1]++;
            }
        }
        double mean = perCat.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        StringBuilder sb = new StringBuilder(String.format("%-55s mean %.3f |", name, mean));
        perCat.forEach((k, x) -> sb.append(String.format(" %s %.2f", k, x)));
        sb.append(" |");
        perType.forEach((k, x) -> sb.append(String.format(" %s %.2f", k, x[0] / x[1])));
        System.out.println(sb);
    }

    static float[][] standardize(float[][] f, float[][] mean, float[][] std) {
        float[][] out = new float[f.length][];
        for (int p = 0; p < f.length; p++) {
            out[p] = new float[f[p].length];
            for (int j = 0; j < f[p].length; j++) out[p][j] = (f[p][j] - mean[p][j]) / std[p][j];
        }
        return out;
    }

    static double score(float[] map, int g, String how) {
        if (how.equals("max")) {
            double m = 0;
            for (float x : map) m = Math.max(m, x);
            return m;
        }
        if (how.equals("smax")) { // max of the 3x3-mean-smoothed map
            double m = 0;
            for (int y = 0; y < g; y++) for (int x = 0; x < g; x++) {
                double s = 0; int c = 0;
                for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) {
                    int xx = x + dx, yy = y + dy;
                    if (xx < 0 || yy < 0 || xx >= g || yy >= g) continue;
                    s += map[yy * g + xx]; c++;
                }
                m = Math.max(m, s / c);
            }
            return m;
        }
        float[] s = map.clone();
        Arrays.sort(s);
        int k = Math.max(1, s.length / 50);
        double m = 0;
        for (int i = 0; i < k; i++) m += s[s.length - 1 - i];
        return m / k;
    }

    /** Per position: the chosen layers' tokens, each L2-normalized, side by side, then the 3x3 mean (agg=1), normalized. */
    static float[][] feats(Pic p, int[] layers, int agg) {
        int g = p.g();
        int n = g * g;
        int d0 = p.states()[0].length / n;
        int d = d0 * layers.length;
        float[][] raw = new float[n][d];
        for (int pos = 0; pos < n; pos++) {
            for (int l = 0; l < layers.length; l++) {
                float[] st = p.states()[layers[l]];
                double s = 0;
                for (int j = 0; j < d0; j++) s += st[pos * d0 + j] * st[pos * d0 + j];
                float inv = (float) (1 / Math.sqrt(Math.max(s, 1e-12)));
                for (int j = 0; j < d0; j++) raw[pos][l * d0 + j] = st[pos * d0 + j] * inv;
            }
        }
        if (agg == 0) return raw;
        float[][] out = new float[n][];
        for (int y = 0; y < g; y++) for (int x = 0; x < g; x++) {
            float[] sum = new float[d];
            for (int dy = -agg; dy <= agg; dy++) for (int dx = -agg; dx <= agg; dx++) {
                int xx = x + dx, yy = y + dy;
                if (xx < 0 || yy < 0 || xx >= g || yy >= g) continue;
                float[] f = raw[yy * g + xx];
                for (int j = 0; j < d; j++) sum[j] += f[j];
            }
            double s = 0;
            for (float v : sum) s += v * v;
            float inv = (float) (1 / Math.sqrt(Math.max(s, 1e-12)));
            for (int j = 0; j < d; j++) sum[j] *= inv;
            out[y * g + x] = sum;
        }
        return out;
    }
}
