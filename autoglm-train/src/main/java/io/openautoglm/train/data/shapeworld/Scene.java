package io.openautoglm.train.data.shapeworld;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;

/**
 * A scene graph: the background and the objects, kept in canonical left-to-right order (by centre
 * x, then y), the order every list caption uses.
 */
public record Scene(int size, Background background, Background.Texture texture, List<SceneObject> objects) {
    public static final Comparator<SceneObject> LEFT_TO_RIGHT =
            Comparator.comparingDouble(SceneObject::x).thenComparingDouble(SceneObject::y);

    public Scene {
        objects = objects.stream().sorted(LEFT_TO_RIGHT).toList();
    }

    /** The objects matching the given attributes (null matches anything). */
    public List<SceneObject> matching(ObjectSize size, ShapeColor color, Shape shape) {
        return objects.stream()
                .filter(o -> (size == null || o.size() == size) && (color == null || o.color() == color)
                        && (shape == null || o.shape() == shape))
                .toList();
    }

    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode o = mapper.createObjectNode();
        o.put("width", size);
        o.put("height", size);
        ObjectNode bg = o.putObject("background");
        bg.put("color", background.label());
        bg.put("texture", texture.label());
        ArrayNode arr = o.putArray("objects");
        objects.forEach(obj -> obj.writeTo(arr.addObject()));
        return o;
    }
}
