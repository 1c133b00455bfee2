package io.openautoglm.train.data.shapeworld;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One object of a scene.
 *
 * @param x centre, pixels from the left edge
 * @param y centre, pixels from the top edge (so "above" means a smaller y)
 * @param radius radius of the circle enclosing the shape, pixels
 * @param rotation degrees, counter-clockwise on screen
 */
public record SceneObject(Shape shape, ShapeColor color, ObjectSize size, double x, double y, double radius,
        double rotation) {

    /** "red circle" / "large red circle": the words that name it. */
    public String words(boolean withSize) {
        return (withSize ? size.word() + " " : "") + color.word() + " " + shape.word();
    }

    public void writeTo(ObjectNode o) {
        o.put("shape", shape.word());
        o.put("color", color.word());
        o.put("size", size.word());
        o.put("x", x);
        o.put("y", y);
        o.put("radius", radius);
        o.put("rotation", rotation);
    }
}
