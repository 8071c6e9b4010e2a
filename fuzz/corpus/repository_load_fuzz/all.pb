random1.tail.0123456789abcdef

edge_nodes0-21 

model_hash0000000000000000