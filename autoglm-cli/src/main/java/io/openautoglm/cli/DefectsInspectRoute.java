package io.openautoglm.cli;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.UploadedFile;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.defects.Detector;
import io.openautoglm.defects.DetectorFiles;
import io.openautoglm.defects.InspectionLine;
import io.openautoglm.server.ApiException;
import io.openautoglm.server.ApiRoute;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /api/inspect} ({@code serve --detector DET}): a multipart picture (form file
 * {@code image}) in, the same JSON line {@code autoglm defects inspect} prints out. Served through
 * {@link io.openautoglm.server.ServedParts#withRoutes}, so the server module knows nothing of detectors.
 */
final class DefectsInspectRoute implements Handler {
    private final Detector detector;

    DefectsInspectRoute(Detector detector) {
        this.detector = detector;
    }

    /** Loads the detector (one clear error when the folder is wrong) and returns its route. */
    static List<ApiRoute> routes(Path detectorDir) {
        return List.of(ApiRoute.post("/api/inspect", new DefectsInspectRoute(DetectorFiles.load(detectorDir, null))));
    }

    @Override
    public void handle(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiException(415, "unsupported_media_type", "send the picture as multipart/form-data, form file 'image'"
                    + " (curl -F image=@part.png)");
        }
        byte[] bytes;
        String name;
        try {
            UploadedFile file = ctx.uploadedFile("image");
            if (file == null) {
                throw ApiException.badRequest("missing_field", "missing form file 'image'");
            }
            name = file.filename();
            try (InputStream in = file.content()) {
                bytes = in.readAllBytes();
            }
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("invalid_multipart", "the multipart body could not be read: " + e.getMessage());
        }
        long start = System.nanoTime();
        RgbImage image = detector.model().imageLoader().load(bytes, name); // UserInputException: a 400
        Detector.Inspection r = detector.inspect(List.of(image)).get(0);
        ctx.contentType("application/json").result(Json.compact(InspectionLine.of(name, r, (System.nanoTime() - start) / 1e6)));
    }
}
