package dev.ramp.engine.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** The informer callbacks the controllers need: an object changed (added or updated), or went. */
final class InformerEvents {
  private InformerEvents() {}

  static <T extends HasMetadata> ResourceEventHandler<T> handler(
      Consumer<T> onChange, Consumer<T> onDelete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        onChange.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        onChange.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean unknown) {
        onDelete.accept(obj);
      }
    };
  }
}
