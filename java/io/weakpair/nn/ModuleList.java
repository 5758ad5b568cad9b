package io.weakpair.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** An ordered list of sub-modules named "0", "1", ... (like {@code torch.nn.ModuleList}). */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final ArrayList<M> items = new ArrayList<>();

    public M add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return module;
    }

    public M get(int index) {
        if (index < 0 || index >= items.size())
            throw new IndexOutOfBoundsException(
                    "ModuleList: index " + index + " out of range for size " + items.size());
        return items.get(index);
    }

    public int size() {
        return items.size();
    }

    public List<M> asList() {
        return Collections.unmodifiableList(items);
    }

    @Override
    public Iterator<M> iterator() {
        return asList().iterator();
    }
}
